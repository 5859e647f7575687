"""Demo data: the records of 1–11 July 2025 that reproduce the city's report
(``demo.seed``), and synthetic records at scale for benchmarks
(``demo.generate``)."""
