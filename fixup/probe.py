"""The doctor's probe: imports a project's modules inside the project's own interpreter.

Not imported by fixup: ``fixup.sandbox`` copies this file next to a job description and runs
it by path with the project's interpreter (Python 3.7 or newer, standard library only, so no
annotations that 3.7 cannot read and no fixup import). ``probe.py run JOB`` reads the job
(JSON: the import root, the extra ``sys.path`` entries, the targets, the time limit),
imports each target in a child process (forked after preloading the heavy libraries, or a
fresh process where ``fork`` is missing), and appends one JSON line per target to the results
file; the modules' own output goes to a log file, never into the results. ``probe.py task JOB
KEY`` is the fresh-process form of one child.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib
import inspect
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from types import FrameType
from typing import Any


def main() -> None:
    mode, job_path = sys.argv[1], sys.argv[2]
    with open(job_path) as f:
        job = json.load(f)
    job["job_path"] = job_path
    setup(job)
    if mode == "run":
        coordinate(job)
    else:
        run_task(job, sys.argv[3])


def setup(job: dict[str, Any]) -> None:
    os.chdir(job["root"])
    sys.path[0] = job["root"]
    sys.path[1:1] = job["paths"]
    sys.dont_write_bytecode = True


def coordinate(job: dict[str, Any]) -> None:
    fork = job["fork"] and hasattr(os, "fork")
    if fork:
        preload(job["preload"], job["timeout"])
    ok_models: list[int] = []
    pending = list(enumerate(job["targets"]))
    running: dict[int, dict[str, Any]] = {}
    while pending or running:
        while pending and len(running) < job.get("jobs", 1):
            index, target = pending.pop(0)
            running[index] = start(job, str(index), fork, job["timeout"], target["key"])
        for index, handle in list(running.items()):
            if not poll(handle):
                continue
            del running[index]
            records = finish(handle)
            if index in job["models"] and records[0].get("status") == "ok":
                ok_models.append(index)
            append(job, records)
        time.sleep(0.005)
    ok_models.sort()
    if job["mappers"]:
        job["ok_models"] = ok_models
        with open(job["job_path"], "w") as f:
            json.dump(job, f)
        timeout = job["timeout"] * (len(ok_models) + 1)
        append(job, execute(job, "together", fork, timeout, job["mappers_key"]))


class PreloadTimeout(Exception):
    pass


def preload(names: list[str], timeout: float) -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise PreloadTimeout()

    previous = signal.signal(signal.SIGALRM, stop)
    saved_argv = list(sys.argv)
    try:
        for name in names:
            sys.argv = [name]
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                importlib.import_module(name)
            except BaseException:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        sys.argv = saved_argv


def append(job: dict[str, Any], records: list[dict[str, Any]]) -> None:
    with open(job["results"], "a") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


def execute(
    job: dict[str, Any], task: str, fork: bool, timeout: float, key: str
) -> list[dict[str, Any]]:
    handle = start(job, task, fork, timeout, key)
    while not poll(handle):
        time.sleep(0.005)
    return finish(handle)


def start(job: dict[str, Any], task: str, fork: bool, timeout: float, key: str) -> dict[str, Any]:
    # Start importing one task in a child; poll() says when it is over, finish() what it did.
    base = os.path.join(job["work"], "task-" + task)
    for suffix in (".json", ".log", ".stack"):
        if os.path.exists(base + suffix):
            os.remove(base + suffix)
    handle: dict[str, Any] = {
        "base": base,
        "key": key,
        "deadline": time.monotonic() + timeout + 5,
        "killed": False,
        "code": None,
        "signal": None,
    }
    if fork:
        pid = os.fork()
        if pid == 0:
            try:
                # Its own process group: whatever the module starts is stopped with it.
                os.setpgid(0, 0)
                run_task(job, task, timeout)
            finally:
                os._exit(70)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # also here: whichever of the two runs first
        handle["pid"] = pid
    else:
        command = [sys.executable, os.path.abspath(__file__), "task", job["job_path"], task]
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **new_group(),
        )
        handle["pid"] = proc.pid
        handle["proc"] = proc
    return handle


def poll(handle: dict[str, Any]) -> bool:
    # True once the child is over (done, or killed at its deadline).
    pid = handle["pid"]
    proc = handle.get("proc")
    if proc is not None:
        returncode = proc.poll()
        done = returncode is not None
    else:
        finished, status = os.waitpid(pid, os.WNOHANG)
        done = bool(finished)
    if not done:
        if time.monotonic() <= handle["deadline"]:
            return False
        kill_group(pid)
        proc.wait() if proc is not None else os.waitpid(pid, 0)
        handle["killed"] = True
        return True
    kill_group(pid)
    if proc is not None:
        if returncode < 0:
            handle["signal"] = -returncode
        else:
            handle["code"] = returncode
    elif os.WIFSIGNALED(status):
        handle["signal"] = os.WTERMSIG(status)
    else:
        handle["code"] = os.WEXITSTATUS(status)
    return True


def finish(handle: dict[str, Any]) -> list[dict[str, Any]]:
    base, key = handle["base"], handle["key"]
    killed, code, signal_number = handle["killed"], handle["code"], handle["signal"]
    records: list[dict[str, Any]] | None = None
    if os.path.exists(base + ".json"):
        try:
            with open(base + ".json") as f:
                records = json.load(f)
        except ValueError:
            records = None
    output = tail(base + ".log")
    stack = tail(base + ".stack")
    if records is None:
        record: dict[str, Any] = {"key": key, "output": output}
        if killed or stack.strip():
            record.update(status="timeout", stack=stack, frames=stack_frames(stack))
        elif signal_number is not None:
            record.update(status="crash", signal=signal_number)
        else:
            record.update(status="exit", code=code, how=f"the process ended with exit code {code}")
        records = [record]
    else:
        for record in records:
            if record.get("status") != "ok":
                record["output"] = output
    return records


def kill_group(pid: int) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGTERM)
    except OSError:
        pass


def new_group() -> dict[str, Any]:
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def tail(path: str, size: int = 4000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def stack_frames(stack: str) -> list[list[Any]]:
    # faulthandler prints the most recent call first: reverse to innermost-last.
    frames = re.findall(r'File "(.*)", line (\d+)', stack)
    return [[name, int(line)] for name, line in reversed(frames)]


def run_task(job: dict[str, Any], task: str, timeout: float | None = None) -> None:
    base = os.path.join(job["work"], "task-" + task)
    if timeout is None:
        timeout = job["timeout"]
        if task == "together":
            timeout *= len(job.get("ok_models", [])) + 1
    log = os.open(base + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # Open until the process ends: faulthandler writes the stack there at the deadline.
    stack = open(base + ".stack", "w")  # noqa: SIM115
    faulthandler.dump_traceback_later(timeout, exit=True, file=stack)
    real_exit = os._exit

    def recording_exit(code: int) -> None:
        frames = [[f.filename, f.lineno] for f in traceback.extract_stack()[:-1]]
        write(
            base,
            [
                {
                    "key": current[0],
                    "status": "exit",
                    "code": code,
                    "how": f"os._exit({code!r})",
                    "frames": frames,
                }
            ],
        )
        real_exit(code)

    current = [job["mappers_key"]]
    os._exit = recording_exit  # type: ignore[assignment]
    if task == "together":
        records = together(job, current)
    else:
        target = job["targets"][int(task)]
        current[0] = target["key"]
        records = [import_one(target)]
    faulthandler.cancel_dump_traceback_later()
    write(base, records)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    real_exit(0)


def write(base: str, records: list[dict[str, Any]]) -> None:
    with open(base + ".tmp", "w") as f:
        json.dump(records, f)
    os.replace(base + ".tmp", base + ".json")


def import_one(target: dict[str, Any]) -> dict[str, Any]:
    sys.argv = [target["file"]]
    try:
        if target["lines"] is not None:
            run_imports(target["file"], target["lines"])
        else:
            importlib.import_module(target["module"])
    except SystemExit as exc:
        record = describe(target["key"], exc)
        record.update(status="exit", how=f"sys.exit({exc.code!r})")
        return record
    except BaseException as exc:
        return describe(target["key"], exc)
    return {"key": target["key"], "status": "ok"}


def run_imports(filename: str, lines: list[int]) -> None:
    # Only these module-level import statements of the file, with its own name and lines.
    import ast
    import tokenize

    with tokenize.open(filename) as f:
        source = f.read()
    body = [node for node in ast.parse(source, filename).body if node.lineno in lines]
    try:
        module = ast.Module(body=body, type_ignores=[])
    except TypeError:
        module = ast.Module(body=body)  # type: ignore[call-arg]  # Python 3.7
    namespace = {"__name__": "__fixup_alembic_env__", "__file__": filename}
    exec(compile(module, filename, "exec"), namespace)


def together(job: dict[str, Any], current: list[str]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for index in job.get("ok_models", []):
        target = job["targets"][index]
        current[0] = target["key"]
        record = import_one(target)
        if record["status"] != "ok":
            record["together"] = True
            records.append(record)
    current[0] = job["mappers_key"]
    try:
        import sqlalchemy.orm
    except Exception:
        records.append({"key": job["mappers_key"], "status": "skipped"})
        return records
    try:
        sqlalchemy.orm.configure_mappers()
    except Exception as exc:
        record = describe(job["mappers_key"], exc)
        record["frames"] += locate_mapper(str(exc), job["project"])
        records.append(record)
    else:
        records.append({"key": job["mappers_key"], "status": "ok"})
    return records


def locate_mapper(message: str, project: str) -> list[list[Any]]:
    # "Mapper[User(users)]" names the class whose configuration failed; "Multiple classes found
    # for path "Rule"" names the ambiguous class (the first definition is shown).
    names = re.findall(r"Mapper\[(\w+)\(", message) + re.findall(
        r'classes found for path "(\w+)"', message
    )
    for name in names:
        found: list[list[Any]] = []
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None) or ""
            if not os.path.abspath(filename).startswith(project):
                continue
            cls = getattr(module, name, None)
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                try:
                    found.append([filename, inspect.getsourcelines(cls)[1]])
                except (OSError, TypeError):
                    found.append([filename, None])
        if found:
            return [sorted(found)[0]]
    return []


def describe(key: str, exc: BaseException) -> dict[str, Any]:
    frames: list[list[Any]] = [
        [f.filename, f.lineno] for f in traceback.extract_tb(exc.__traceback__)
    ]
    if isinstance(exc, SyntaxError) and exc.filename:
        frames.append([exc.filename, exc.lineno])
    names = []
    for cls in type(exc).__mro__:
        names.append("{}.{}".format(cls.__module__, getattr(cls, "__qualname__", cls.__name__)))
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {
        "key": key,
        "status": "error",
        "types": names,
        "message": str(exc)[:4000],
        "name": getattr(exc, "name", None) if isinstance(exc, ImportError) else None,
        "frames": frames,
        "traceback": text[-6000:],
    }


if __name__ == "__main__":
    main()
