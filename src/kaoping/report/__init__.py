"""Output workbooks written by kaoping (问题清单, 附件4–6, 台账)."""
