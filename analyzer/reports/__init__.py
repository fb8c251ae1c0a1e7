"""The reports: the pull-request comment (Markdown) and the quarterly review (HTML).

``analyzer.reports.pr.write_pr_report`` and ``analyzer.reports.review.write_review`` are
what ``jevons report pr`` and ``jevons report review`` call. Both only read the store and
the analysis; neither computes a statistic of its own. Every string that came from a
repository or an incident tool is escaped (:mod:`.escaping`).
"""
