import random, time, statistics, cProfile, pstats
from sqlalchemy import create_engine
from app.search.sqlite import SQLiteSearch
from app.search.service import search
from app.search.spelling import DifflibSpeller
e = create_engine("sqlite:///data/micromet.sqlite3")
b = SQLiteSearch(); sp = DifflibSpeller()
with e.connect() as c:
    words = [r[0] for r in c.exec_driver_sql("SELECT term FROM search_term")]
    rnd = random.Random(2); qs = [" ".join(rnd.sample(words, 3)) for _ in range(2000)]
    search(c, b, sp, "v", "warm", types=[], limit=20, offset=0, marks=("<mark>","</mark>"))
    t=time.perf_counter()
    matches = {}
    for q in qs:
        o = search(c, b, sp, "v", q, types=[], limit=20, offset=0, marks=("<mark>","</mark>"), correct=False)
        matches[o.match if o else "deferred"] = matches.get(o.match if o else "deferred", 0) + 1
    print("per query ms", round((time.perf_counter()-t)*1000/len(qs),3), matches)
    pr = cProfile.Profile(); pr.enable()
    for q in qs[:500]:
        search(c, b, sp, "v", q, types=[], limit=20, offset=0, marks=("<mark>","</mark>"), correct=False)
    pr.disable(); pstats.Stats(pr).sort_stats("cumulative").print_stats(18)
