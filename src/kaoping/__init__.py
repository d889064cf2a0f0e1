"""kaoping: 干部日常考评 / 公务员平时考核 through Excel workbooks."""

__version__ = "0.1.0"
