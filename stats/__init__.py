"""Statistics: daily figures per unit (``DailyStat``) derived from the records by grouped SQL,
kept current by Celery jobs, and period reports summed from them (domain brief §4)."""
