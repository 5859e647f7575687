"""gunicorn settings for the web container.

The access log writes the path without its query string: list searches may carry applicants'
names, and personal data never goes to logs.
"""

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
