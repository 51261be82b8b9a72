"""Process memory figures the benchmarks share (Linux /proc; NaN or False elsewhere)."""

from __future__ import annotations


def status_mb(key: str) -> float:
    """A memory figure of /proc/self/status (VmRSS, VmHWM) in MB; NaN off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (so a later VmHWM is the peak of what
    follows); False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False
