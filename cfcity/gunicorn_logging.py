"""gunicorn's own logs (the access log above all) through the same scrubbing filter as
Django's (cfcity/logscrub.py): a request line can carry a secret — a calendar feed's token is
in its address — and gunicorn's loggers are not Django's. `cfcity serve` passes this class."""
from gunicorn.glogging import Logger

from cfcity.logscrub import ScrubFilter


class ScrubbedLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(ScrubFilter())
