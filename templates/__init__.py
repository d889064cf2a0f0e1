"""Package data, not code: the xlsx templates every writer fills (附件1–6, 台账, 问题清单), in xlsx/.

The folder stays at the top of the repository (templates/xlsx/) where the clerk and the build
scripts find it; pyproject.toml maps it to the package `kaoping.templates`, so a wheel carries it.
"""
