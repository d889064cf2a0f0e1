"""The pure rules engine: functions over `kaoping.models`, no file or console I/O."""
