"""Compare process_photo with the plain reference recipe, and a process pool with a thread pool.

Run: uv run python bench/photos.py [DIRECTORY] [--repeat 7] [--batch 16] [--pool-runs 3]
                                   [--output FILE]

DIRECTORY contains camera photos (JPEG, PNG, ...). Without it the benchmark generates large
synthetic photos in a temporary directory and deletes them afterwards. For every photo it
times both pipelines, interleaved, in one process; it checks that both give the same output
size and an SSIM of at least 0.97; it measures the peak resident memory of one worker process
per pipeline; and it times a batch through 2-worker thread and process pools while watching
the event loop's lag. The report is printed and, with --output, written as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageDraw, features
from skimage.metrics import structural_similarity

from auction_images.domain import PhotoRejected
from auction_images.processing import (
    ExecutorKind,
    PhotoJob,
    make_executor,
    process_many,
    process_photo,
)
from auction_images.processing.reference import reference_process

MIN_SSIM = 0.97
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}

# (name, size as stored, EXIF orientation, format): phone and camera sizes.
SYNTHETIC_PHOTOS = [
    ("synthetic_12mp_phone.jpg", (4032, 3024), 1, "JPEG"),
    ("synthetic_12mp_phone_rotated_6.jpg", (4032, 3024), 6, "JPEG"),
    ("synthetic_24mp_camera.jpg", (6000, 4000), 1, "JPEG"),
    ("synthetic_48mp_phone_rotated_8.jpg", (8000, 6000), 8, "JPEG"),
    ("synthetic_6mp_screenshot.png", (3000, 2000), 1, "PNG"),
]

Pipeline = Callable[[bytes], bytes]


def fast_pipeline(data: bytes) -> bytes:
    return process_photo(data).jpeg


PIPELINES: dict[str, Pipeline] = {"fast": fast_pipeline, "reference": reference_process}


@dataclass
class PhotoTiming:
    name: str
    source_format: str
    source_size: tuple[int, int]
    output_size: tuple[int, int]
    reference_size: tuple[int, int]
    fast_seconds: float
    reference_seconds: float
    fast_cpu_seconds: float
    reference_cpu_seconds: float
    ssim: float
    # The reference drops transparency while process_photo puts transparent areas on white,
    # so the two outputs differ on purpose and only the size is compared.
    transparent: bool

    @property
    def ratio(self) -> float:
        return self.reference_seconds / self.fast_seconds

    @property
    def cpu_ratio(self) -> float:
        return self.reference_cpu_seconds / max(self.fast_cpu_seconds, 1e-9)

    @property
    def passed(self) -> bool:
        same_size = self.output_size == self.reference_size
        return same_size and (self.transparent or self.ssim >= MIN_SSIM)

    @property
    def check(self) -> str:
        if not self.passed:
            return "FAILED"
        return "ok (size only: transparent source)" if self.transparent else "ok"


def synthetic_photo(size: tuple[int, int], seed: int) -> Image.Image:
    """Draw a photo-like image: gradients, shapes with soft edges and sensor-like noise."""
    rng = random.Random(seed)
    small = (size[0] // 8, size[1] // 8)
    base = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(small),
            Image.radial_gradient("L").resize(small),
            Image.linear_gradient("L").rotate(90).resize(small),
        ),
    )
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        radius = rng.randrange(5, max(6, small[0] // 6))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    image = base.resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 12).convert("RGB")
    return Image.blend(image, grain, 0.06)


def write_synthetic_set(directory: Path) -> None:
    for seed, (name, size, orientation, format_name) in enumerate(SYNTHETIC_PHOTOS):
        image = synthetic_photo(size, seed)
        params: dict[str, object] = {}
        if format_name == "JPEG":
            exif = Image.Exif()
            exif[0x0112] = orientation
            params = {"quality": 92, "exif": exif.tobytes()}
        image.save(directory / name, format=format_name, **params)


def load_photos(directory: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Return the photos process_photo accepts, and the rejection reason of the others."""
    accepted: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in PHOTO_SUFFIXES:
            continue
        data = path.read_bytes()
        try:
            process_photo(data)
        except PhotoRejected as rejection:
            skipped[path.name] = str(rejection.code)
            continue
        accepted[path.name] = data
    return accepted, skipped


def ssim(first: bytes, second: bytes) -> float:
    a = np.asarray(Image.open(io.BytesIO(first)).convert("RGB"))
    b = np.asarray(Image.open(io.BytesIO(second)).convert("RGB"))
    score = structural_similarity(a, b, channel_axis=2, data_range=255)  # type: ignore[no-untyped-call]
    return float(score)


def jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def time_photo(name: str, data: bytes, repeat: int) -> PhotoTiming:
    """Time both pipelines on one photo, alternating which runs first in each round."""
    samples: dict[str, list[float]] = {"fast": [], "reference": []}
    cpu_samples: dict[str, list[float]] = {"fast": [], "reference": []}
    outputs: dict[str, bytes] = {}
    for round_index in range(repeat):
        order = ["fast", "reference"] if round_index % 2 == 0 else ["reference", "fast"]
        for pipeline_name in order:
            started = time.perf_counter()
            cpu_started = time.process_time()
            outputs[pipeline_name] = PIPELINES[pipeline_name](data)
            cpu_samples[pipeline_name].append(time.process_time() - cpu_started)
            samples[pipeline_name].append(time.perf_counter() - started)
    with Image.open(io.BytesIO(data)) as source:
        source_size = source.size
        source_format = source.format or "unknown"
        transparent = bool({"A", "a"} & set(source.getbands())) or "transparency" in source.info
    return PhotoTiming(
        name=name,
        source_format=source_format,
        source_size=source_size,
        output_size=jpeg_size(outputs["fast"]),
        reference_size=jpeg_size(outputs["reference"]),
        fast_seconds=statistics.median(samples["fast"]),
        reference_seconds=statistics.median(samples["reference"]),
        fast_cpu_seconds=statistics.median(cpu_samples["fast"]),
        reference_cpu_seconds=statistics.median(cpu_samples["reference"]),
        ssim=ssim(outputs["fast"], outputs["reference"]),
        transparent=transparent,
    )


def measure_worker_memory(pipeline_name: str, directory: Path) -> dict[str, int]:
    """Run one pipeline over the photos in a fresh process; return its RSS figures in KiB."""
    command = [sys.executable, __file__, str(directory), "--memory-worker", pipeline_name]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, int] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def memory_status_kib(field: str) -> int:
    """Return a VmRSS or VmHWM figure of this process from /proc/self/status, in KiB.

    VmHWM is the peak RSS of this process image only. getrusage's ru_maxrss is not used
    because Linux carries the parent's peak over into a child across fork and exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} is missing from /proc/self/status")


def memory_worker(pipeline_name: str, directory: Path) -> None:
    """Print the RSS after reading the photos and the peak RSS after converting each once."""
    photos = [path.read_bytes() for path in sorted(directory.iterdir())]
    pipeline = PIPELINES[pipeline_name]
    before = memory_status_kib("VmRSS")
    for data in photos:
        pipeline(data)
    peak = memory_status_kib("VmHWM")
    print(json.dumps({"before_kib": before, "peak_kib": peak}))


@dataclass
class PoolRun:
    kind: str
    photos: int
    seconds: float
    cpu_seconds: float
    max_loop_lag: float


def cpu_seconds_of(pids: list[int]) -> float:
    """Return the user plus system CPU time of processes, from /proc/<pid>/stat."""
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        # The command name (field 2) may contain spaces, so split after its closing bracket.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks_per_second


def worker_pids(executor: Executor) -> list[int]:
    # ProcessPoolExecutor keeps its workers in the private `_processes` dict keyed by pid;
    # this benchmark reads it only to sum their CPU time. A thread pool has no workers here.
    return list(getattr(executor, "_processes", None) or {})


async def time_pool(kind: ExecutorKind, jobs: list[PhotoJob], workers: int) -> PoolRun:
    """Convert a batch through a warmed-up pool while a ticker measures event-loop lag.

    CPU time counts this process and, for a process pool, its worker processes, so it stays
    comparable when other programs compete for the cores and stretch the wall-clock time.
    """
    executor = make_executor(kind, workers=workers)
    try:
        warm_up = [PhotoJob(key=f"warm{index}", data=jobs[0].data) for index in range(workers)]
        async for _ in process_many(warm_up, executor):
            pass

        lags: list[float] = []
        finished = asyncio.Event()

        async def tick() -> None:
            while not finished.is_set():
                started = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append(time.perf_counter() - started - 0.005)

        pids = worker_pids(executor)
        cpu_before = time.process_time() + cpu_seconds_of(pids)
        ticker = asyncio.create_task(tick())
        started = time.perf_counter()
        count = 0
        async for outcome in process_many(jobs, executor):
            count += outcome.photo is not None
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() + cpu_seconds_of(pids) - cpu_before
        finished.set()
        await ticker
    finally:
        executor.shutdown(wait=True)
    return PoolRun(
        kind=kind,
        photos=count,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        max_loop_lag=max(lags),
    )


def machine_lines(load_at_start: tuple[float, float, float]) -> list[str]:
    cpu_model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{value:.2f}" for value in load_at_start)
    return [
        f"- Machine: {len(os.sched_getaffinity(0))} cores ({cpu_model}), shared with other "
        f"jobs; load average at the start: {load}",
        f"- Python {platform.python_version()}, Pillow {PIL.__version__}, "
        f"libjpeg-turbo {features.version('libjpeg_turbo')}",
    ]


def render_report(
    command: str,
    source: str,
    repeat: int,
    timings: list[PhotoTiming],
    skipped: dict[str, str],
    memory: dict[str, dict[str, int]],
    pools: list[PoolRun],
    workers: int,
    load_at_start: tuple[float, float, float],
) -> str:
    lines = [
        "## Photo conversion: process_photo against the reference recipe",
        "",
        f"Command: `{command}`",
        "",
        *machine_lines(load_at_start),
        f"- Photos: {source}; {repeat} interleaved rounds per photo, medians shown",
        "- Reference recipe: full decode, `ImageOps.exif_transpose`, convert to RGB, Lanczos "
        "resize to 1,024 px wide, progressive JPEG quality 85",
        "",
        "Wall-clock times stretch when other jobs compete for the cores; the CPU time of the "
        "single-threaded conversion is the steadier figure.",
        "",
        "| photo | source px | output px | reference ms | fast ms | speed-up "
        "| reference CPU ms | fast CPU ms | CPU speed-up | SSIM | check |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.name} | {timing.source_size[0]}x{timing.source_size[1]} "
            f"| {timing.output_size[0]}x{timing.output_size[1]} "
            f"| {timing.reference_seconds * 1000:.0f} | {timing.fast_seconds * 1000:.0f} "
            f"| {timing.ratio:.2f}x | {timing.reference_cpu_seconds * 1000:.0f} "
            f"| {timing.fast_cpu_seconds * 1000:.0f} | {timing.cpu_ratio:.2f}x "
            f"| {timing.ssim:.4f} "
            f"| {timing.check} |"
        )
    large_jpeg = [
        timing
        for timing in timings
        if timing.source_format in {"JPEG", "MPO"}
        and timing.source_size[0] * timing.source_size[1] > 4e6
    ]
    if large_jpeg:
        median_ratio = statistics.median(timing.ratio for timing in large_jpeg)
        lowest_ratio = min(timing.ratio for timing in large_jpeg)
        median_cpu_ratio = statistics.median(timing.cpu_ratio for timing in large_jpeg)
        lowest_cpu_ratio = min(timing.cpu_ratio for timing in large_jpeg)
        lines += [
            "",
            f"JPEG photos above 4 MP: wall-clock speed-up median {median_ratio:.2f}x, "
            f"lowest {lowest_ratio:.2f}x; CPU speed-up median {median_cpu_ratio:.2f}x, "
            f"lowest {lowest_cpu_ratio:.2f}x.",
        ]
    if skipped:
        listed = ", ".join(f"{name} ({code})" for name, code in skipped.items())
        lines += ["", f"Rejected by process_photo and left out: {listed}."]

    lines += [
        "",
        "Peak resident memory of one worker process converting every photo once, from "
        "/proc/self/status: RSS after imports and reading the files, then the peak (VmHWM):",
        "",
        "| pipeline | RSS before MiB | peak MiB | added by conversion MiB |",
        "|---|---:|---:|---:|",
    ]
    for name, values in memory.items():
        before, peak = values["before_kib"] / 1024, values["peak_kib"] / 1024
        lines.append(f"| {name} | {before:.0f} | {peak:.0f} | {peak - before:.0f} |")

    lines += [
        "",
        f"Batch of {pools[0].photos} photos through `process_many` with {workers} workers, "
        f"{len(pools) // 2} runs per executor, alternating (each pool warmed up first; the "
        "loop lag is the longest delay seen by a 5 ms asyncio ticker):",
        "",
        "| executor | median wall s | photos/s | wall s of each run | median CPU s "
        "| max event-loop lag ms |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for kind in ("thread", "process"):
        runs = [run for run in pools if run.kind == kind]
        median_seconds = statistics.median(run.seconds for run in runs)
        median_cpu = statistics.median(run.cpu_seconds for run in runs)
        each = ", ".join(f"{run.seconds:.2f}" for run in runs)
        worst_lag = max(run.max_loop_lag for run in runs)
        lines.append(
            f"| {kind} | {median_seconds:.2f} | {runs[0].photos / median_seconds:.1f} "
            f"| {each} | {median_cpu:.2f} | {worst_lag * 1000:.0f} |"
        )
    return "\n".join(lines) + "\n"


def run(
    directory: Path, source: str, arguments: argparse.Namespace, command: str
) -> tuple[str, bool]:
    """Run every measurement; return the Markdown report and whether every photo passed."""
    load_at_start = os.getloadavg()
    photos, skipped = load_photos(directory)
    if not photos:
        raise SystemExit(f"no photo in {directory} was accepted by process_photo")

    timings = []
    for name, data in photos.items():
        timing = time_photo(name, data, arguments.repeat)
        timings.append(timing)
        print(
            f"{name}: reference {timing.reference_seconds * 1000:.0f} ms, "
            f"fast {timing.fast_seconds * 1000:.0f} ms, {timing.ratio:.2f}x, "
            f"SSIM {timing.ssim:.4f}",
            file=sys.stderr,
        )

    memory_directory = Path(tempfile.mkdtemp(prefix="photos-bench-memory-"))
    try:
        for name, data in photos.items():
            (memory_directory / name).write_bytes(data)
        memory = {name: measure_worker_memory(name, memory_directory) for name in PIPELINES}
    finally:
        for path in memory_directory.iterdir():
            path.unlink()
        memory_directory.rmdir()

    large_first = sorted(photos.values(), key=len, reverse=True)
    jobs = [
        PhotoJob(key=str(index), data=large_first[index % len(large_first)])
        for index in range(arguments.batch)
    ]
    kinds: list[ExecutorKind] = ["thread", "process"] * arguments.pool_runs
    pools = [asyncio.run(time_pool(kind, jobs, arguments.workers)) for kind in kinds]
    report = render_report(
        command,
        source,
        arguments.repeat,
        timings,
        skipped,
        memory,
        pools,
        arguments.workers,
        load_at_start,
    )
    return report, all(timing.passed for timing in timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, help="folder of photos to convert")
    parser.add_argument("--repeat", type=int, default=7, help="rounds per photo (default 7)")
    parser.add_argument("--batch", type=int, default=16, help="photos per pool run (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="pool workers (default 2)")
    parser.add_argument(
        "--pool-runs", type=int, default=3, help="batch runs per executor kind (default 3)"
    )
    parser.add_argument("--output", type=Path, help="write the Markdown report to this file")
    parser.add_argument("--memory-worker", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.memory_worker:
        memory_worker(arguments.memory_worker, arguments.directory)
        return

    # The report names the folder PHOTOS_DIR, because its real path is local to this machine.
    shown_arguments = [
        "PHOTOS_DIR" if argument == str(arguments.directory) else shlex.quote(argument)
        for argument in sys.argv[1:]
    ]
    command = " ".join(["uv run python bench/photos.py", *shown_arguments])
    if arguments.directory is not None:
        report, passed = run(arguments.directory, "the files in PHOTOS_DIR", arguments, command)
    else:
        with tempfile.TemporaryDirectory(prefix="photos-bench-") as temporary:
            write_synthetic_set(Path(temporary))
            report, passed = run(Path(temporary), "generated synthetic photos", arguments, command)

    print(report)
    if arguments.output is not None:
        arguments.output.write_text(report)
    if not passed:
        raise SystemExit("a photo failed the size or SSIM check; see the table above")


if __name__ == "__main__":
    main()
