"""kaoping throughput and memory benchmark.

    .venv/bin/python benchmarks/run.py                  # N = 500, 2000, 5000
    .venv/bin/python benchmarks/run.py -n 5 --help-runs 2 --no-forms   # smoke run

For each N (data from benchmarks/generate_data.py, generated once and cached under
benchmarks/data/<N>/v<VERSION>/; 4·N workbooks) it measures, in this order and on warm page
cache (every file is read once before timing):

- `kaoping quarter check --roster 花名册.xlsx collected/` end to end, as a child process:
  wall time, workbooks/s, peak RSS;
- a bare read of every sheet of the same files with python-calamine and with openpyxl
  (read-only, values only), single process, loop time only (benchmarks/bare_read.py);
- the ratios check ÷ calamine, check ÷ openpyxl and openpyxl ÷ calamine, and the same in
  CPU time: the check's whole process tree against the calamine loop (a figure that a busy
  machine moves far less than wall time; on 2 cores a check÷calamine of 2× in wall time is
  about 4× in CPU).

`--repeat K` runs the check and the calamine read K times each (alternating) and keeps the
median of the times and the largest RSS.

Once per run: `kaoping --help` (repeated, hyperfine-style mean ± sd and min, plus the
`-X importtime` total of `import kaoping.cli`) and `kaoping forms quarterly` for the largest
N (wall time, forms/s, RSS).

Peak RSS is measured two ways for every child: `max_rss` is ru_maxrss of RUSAGE_CHILDREN
(the largest single process of the tree: the command or any pool worker it waited for), and
`tree_rss` is the peak of the SUM of RSS over the process and all its descendants, polled
from /proc every 20 ms. The target (<300 MB) is checked against tree_rss, the stricter one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_data  # noqa: E402

BIN = Path(sys.executable).parent
KAOPING = [str(BIN / "kaoping")] if (BIN / "kaoping").exists() else [
    sys.executable, "-c", "from kaoping.cli import main; main()"]


# ---------------------------------------------------------------- measuring a child process


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo.extend(_children(p))
    return total


@dataclass
class Measure:
    wall: float
    returncode: int
    max_rss_mb: float  # largest single process of the tree (ru_maxrss)
    tree_rss_mb: float  # peak of the sum over the tree (polled)
    cpu: float  # user + system seconds of the whole tree
    load: float  # 1-minute load average when the command started
    stdout: str


def measure(cmd: list[str], *, env: dict[str, str] | None = None, poll: float = 0.02) -> Measure:
    """Run `cmd` in a fresh wrapper process so RUSAGE_CHILDREN covers this command only."""
    wrapper = [sys.executable, str(Path(__file__)), "_measure", json.dumps(cmd)]
    proc = subprocess.run(wrapper, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"measure wrapper failed: {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Measure(**data)


def _measure_main(cmd: list[str], poll: float = 0.02) -> int:
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        peak = 0
        stop = threading.Event()

        def poller() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, tree_rss_kb(child.pid))
                stop.wait(poll)

        th = threading.Thread(target=poller, daemon=True)
        th.start()
        rc = child.wait()
        wall = time.perf_counter() - t0
        stop.set()
        th.join()
        out.seek(0)
        text = out.read()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss = usage.ru_maxrss  # KiB on Linux
    print(json.dumps({"wall": wall, "returncode": rc, "max_rss_mb": maxrss / 1024,
                      "tree_rss_mb": max(peak, maxrss) / 1024,
                      "cpu": usage.ru_utime + usage.ru_stime, "load": load,
                      "stdout": text[-4000:]}))
    return 0


# ---------------------------------------------------------------- the benchmark


def warm(folder: Path) -> int:
    n = 0
    for p in folder.rglob("*.xlsx"):
        n += len(p.read_bytes())
    return n


def bare(library: str, folder: Path) -> tuple[dict, Measure]:
    m = measure([sys.executable, str(HERE / "bare_read.py"), library, str(folder)])
    return json.loads(m.stdout.strip().splitlines()[-1]), m


def _check(roster: Path, collected: Path) -> Measure:
    env = {**os.environ, "COLUMNS": "120"}
    check = measure([*KAOPING, "quarter", "check", "--roster", str(roster), str(collected)], env=env)
    if check.returncode not in (0, 1):
        raise RuntimeError(f"quarter check failed (exit {check.returncode}):\n{check.stdout}")
    return check


def bench_n(n: int, *, openpyxl: bool, log, root: Path | None = None, repeat: int = 1) -> dict:
    data = generate_data.ensure(n, log=log, root=root)
    roster, collected = data / "花名册.xlsx", data / "collected"
    warm(collected)
    checks, cals = [], []
    for _ in range(repeat):
        checks.append(_check(roster, collected))
        cals.append(bare("calamine", collected))
    med = statistics.median
    check = checks[0]
    wall, cpu = med(c.wall for c in checks), med(c.cpu for c in checks)
    cal_s, cal_cpu = med(c[0]["seconds"] for c in cals), med(c[0]["cpu_seconds"] for c in cals)
    files = cals[0][0]["files"]
    row = {"n": n, "workbooks": files, "repeat": repeat, "check_s": wall,
           "check_wbps": files / wall, "check_cpu_s": cpu,
           "check_load": max(c.load for c in checks),
           "check_max_rss_mb": max(c.max_rss_mb for c in checks),
           "check_tree_rss_mb": max(c.tree_rss_mb for c in checks),
           "check_exit": check.returncode, "calamine_s": cal_s, "calamine_cpu_s": cal_cpu,
           "calamine_wbps": files / cal_s, "calamine_rss_mb": cals[0][1].max_rss_mb,
           "check_over_calamine": wall / cal_s, "check_cpu_over_calamine_cpu": cpu / cal_cpu}
    if openpyxl:
        opx, opx_m = bare("openpyxl", collected)
        row.update({"openpyxl_s": opx["seconds"], "openpyxl_wbps": files / opx["seconds"],
                    "openpyxl_rss_mb": opx_m.max_rss_mb,
                    "check_over_openpyxl": wall / opx["seconds"],
                    "openpyxl_over_calamine": opx["seconds"] / cal_s})
    summary = [line for line in check.stdout.splitlines() if "读取文件" in line or "合计" in line]
    row["check_summary"] = " / ".join(s.strip() for s in summary)
    return row


def bench_help(runs: int) -> dict:
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run([*KAOPING, "--help"], capture_output=True, check=True,
                       env={**os.environ, "COLUMNS": "100"})
        times.append(time.perf_counter() - t0)
    times = times[1:]  # first run warms the page cache
    imp = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kaoping.cli"],
                         capture_output=True, text=True, check=True).stderr
    total_us = 0
    heavy = []
    for line in imp.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[1].strip().isdigit():
            name = parts[2].strip()
            if parts[2].startswith(" kaoping.cli") or name == "kaoping.cli":
                total_us = max(total_us, int(parts[1]))
            if name.split(".")[0] in ("openpyxl", "python_calamine", "pydantic", "rich", "lxml"):
                heavy.append(name)
    return {"help_mean_s": statistics.mean(times), "help_sd_s": statistics.pstdev(times),
            "help_min_s": min(times), "help_runs": runs, "import_kaoping_cli_ms": total_us / 1000,
            "heavy_imports_on_help": sorted({h.split(".")[0] for h in heavy})}


def bench_forms(n: int, root: Path | None = None) -> dict:
    data = generate_data.ensure(n, root=root)
    out = Path(tempfile.mkdtemp(prefix="kaoping-forms-", dir=data.parent))
    try:
        m = measure([*KAOPING, "forms", "quarterly", "--roster", str(data / "花名册.xlsx"),
                     "--period", "2026Q3", "--out", str(out)])
        written = sum(1 for _ in out.rglob("*.xlsx"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if m.returncode != 0:
        raise RuntimeError(f"forms quarterly failed (exit {m.returncode}):\n{m.stdout}")
    return {"forms_n": n, "forms_written": written, "forms_s": m.wall,
            "forms_per_s": written / m.wall, "forms_max_rss_mb": m.max_rss_mb,
            "forms_tree_rss_mb": m.tree_rss_mb}


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    return (f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def markdown(rows: list[dict], extra: dict) -> str:
    out = [f"- machine: {extra['machine']}", f"- date: {extra['date']}", ""]
    out.append("| N | workbooks | quarter check s | workbooks/s | CPU s (all processes) "
               "| load | peak RSS tree / largest (MB) | calamine s (wb/s) | calamine CPU s "
               "| openpyxl s (wb/s) | check÷calamine | CPU÷calamine CPU | check÷openpyxl "
               "| openpyxl÷calamine |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        has = "openpyxl_s" in r
        opx = f"{r['openpyxl_s']:.1f} ({r['openpyxl_wbps']:.0f})" if has else "—"
        vs_opx = (f"{r['check_over_openpyxl']:.2f} | {r['openpyxl_over_calamine']:.1f}" if has
                  else "— | —")
        out.append(
            f"| {r['n']:,} | {r['workbooks']:,} | {r['check_s']:.1f} | {r['check_wbps']:.0f} "
            f"| {r['check_cpu_s']:.1f} | {r['check_load']:.1f} "
            f"| {r['check_tree_rss_mb']:.0f} / {r['check_max_rss_mb']:.0f} "
            f"| {r['calamine_s']:.1f} ({r['calamine_wbps']:.0f}) | {r['calamine_cpu_s']:.1f} "
            f"| {opx} | {r['check_over_calamine']:.2f} "
            f"| {r['check_cpu_over_calamine_cpu']:.2f} | {vs_opx} |")
    if any(r.get("repeat", 1) > 1 for r in rows):
        out.append(f"\n(median of {rows[0]['repeat']} runs each; RSS: the largest)")
    h = extra.get("help")
    if h:
        out += ["", f"- `kaoping --help`: {h['help_mean_s']:.3f} s ± {h['help_sd_s']:.3f} "
                f"(min {h['help_min_s']:.3f}, {h['help_runs']} runs); `import kaoping.cli` "
                f"{h['import_kaoping_cli_ms']:.0f} ms (-X importtime); heavy modules imported: "
                f"{', '.join(h['heavy_imports_on_help']) or 'none'}"]
    f = extra.get("forms")
    if f:
        out += [f"- `kaoping forms quarterly` N={f['forms_n']:,}: {f['forms_written']:,} forms in "
                f"{f['forms_s']:.1f} s ({f['forms_per_s']:.0f} forms/s), peak RSS tree "
                f"{f['forms_tree_rss_mb']:.0f} MB / largest {f['forms_max_rss_mb']:.0f} MB"]
    for r in rows:
        out.append(f"- N={r['n']:,} check output: {r['check_summary']} (exit {r['check_exit']})")
    out += ["", "Targets:"] + targets(rows, extra)
    return "\n".join(out) + "\n"


def targets(rows: list[dict], extra: dict) -> list[str]:
    """Each bound (issue 13: the simplification must keep them) with its measured figure and,
    when missed, by how much."""
    def line(name: str, ok: bool, got: str, miss: str) -> str:
        return f"- {name}: {got} — {'met' if ok else 'MISSED, ' + miss}"

    out = []
    big = max(rows, key=lambda r: r["n"])
    worst = max(rows, key=lambda r: r["check_over_calamine"])
    ratio = worst["check_over_calamine"]
    out.append(line("≤ 2× a single-process calamine read at every N", ratio <= 2,
                    f"at most {ratio:.2f}× (N={worst['n']:,})", f"{ratio / 2:.2f}× over"))
    rss = max(r["check_tree_rss_mb"] for r in rows)
    out.append(line("peak RSS < 300 MB (whole process tree)", rss < 300, f"{rss:.0f} MB",
                    f"{rss - 300:.0f} MB over"))
    if len(rows) > 1:
        small = min(rows, key=lambda r: r["n"])
        growth = big["check_tree_rss_mb"] / small["check_tree_rss_mb"]
        out.append(line("RSS flat in N (≤ ×1.25)", growth <= 1.25,
                        f"×{growth:.2f} from N={small['n']:,} to N={big['n']:,}",
                        "memory grows with N"))
    h = extra.get("help")
    if h:
        out.append(line("kaoping --help < 0.3 s", h["help_mean_s"] < 0.3,
                        f"{h['help_mean_s']:.3f} s mean", f"{h['help_mean_s'] - 0.3:.3f} s over"))
    f = extra.get("forms")
    if f and f["forms_written"] >= 5000:
        out.append(line("forms quarterly: 5,000 forms < 30 s", f["forms_s"] < 30,
                        f"{f['forms_s']:.1f} s for {f['forms_written']:,}",
                        f"{f['forms_s'] - 30:.1f} s over"))
    elif f:
        out.append(f"- forms quarterly: not measured at 5,000 (N={f['forms_n']:,} here)")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measure":
        return _measure_main(json.loads(argv[1]))
    ap = argparse.ArgumentParser(description="kaoping throughput/memory benchmark")
    ap.add_argument("-n", type=int, nargs="+", default=[500, 2000, 5000])
    ap.add_argument("--no-openpyxl", action="store_true", help="skip the openpyxl baseline")
    ap.add_argument("--no-forms", action="store_true", help="skip kaoping forms quarterly")
    ap.add_argument("--help-runs", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of the check and the calamine read per N (medians are shown)")
    ap.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    ap.add_argument("--data", type=Path, default=None,
                    help="where generated data sets live (default benchmarks/data)")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    extra: dict = {"machine": machine(),
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    extra["help"] = bench_help(args.help_runs)
    rows = []
    for n in args.n:
        log(f"N={n} …")
        rows.append(bench_n(n, openpyxl=not args.no_openpyxl, log=log, root=args.data,
                            repeat=args.repeat))
        log(json.dumps({k: v for k, v in rows[-1].items() if k != "check_summary"}))
    if not args.no_forms:
        extra["forms"] = bench_forms(max(args.n), root=args.data)
    text = markdown(rows, extra)
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, **extra}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
