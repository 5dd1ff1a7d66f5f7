"""Work on one file in a child process under a wall clock and a memory limit: the child is killed when it runs
over either, and its death becomes a ReadError (timeout, memory, killed). Used by the CLI, the batch workers and
the app (process_file_limited)."""
from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import struct
import time
import warnings
from dataclasses import dataclass

from .errors import Code, ModelMissing, ReadError
from .limits import Limits
from .log import fallback

_log = logging.getLogger("planlink.guard")
_HEADER = struct.Struct("!Q")
POLL = 0.05  # seconds between checks of the child's memory


def available() -> bool:
    """A child per file needs fork (Linux, macOS); PLANLINK_IN_PROCESS=1 turns it off (debugging)."""
    return hasattr(os, "fork") and os.environ.get("PLANLINK_IN_PROCESS") != "1"


def _send(fd: int, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _rss_bytes(pid: int) -> int | None:
    """Resident memory of a process (and nothing else: its children are their own); None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def failure(path: str, code: Code, limits: Limits, detail: str = "") -> ReadError:
    """The error for a child that was stopped or died, with the limit that applies and how to change it."""
    if code == Code.TIMEOUT:
        return ReadError(path, f"processing took longer than {limits.timeout:g} s and was stopped "
                               "(PLANLINK_TIMEOUT or --timeout to change the limit)", code,
                         f"处理超过 {limits.timeout:g} 秒，已停止（可用 PLANLINK_TIMEOUT 或 --timeout 调整）")
    if code == Code.MEMORY:
        return ReadError(path, f"processing needed more than {limits.max_memory_mb} MB of memory and was stopped "
                               "(PLANLINK_MAX_MEMORY_MB or --max-memory to change the limit)", code,
                         f"超过 {limits.max_memory_mb} MB（可用 PLANLINK_MAX_MEMORY_MB 或 --max-memory 调整）")
    return ReadError(path, f"the process working on the file died ({detail or 'killed'})", Code.KILLED, detail)


@dataclass
class Child:
    """One forked worker process: reads tasks from a pipe, answers on another, until its task pipe closes."""

    pid: int
    tasks: int   # parent writes here
    answers: int  # parent reads here
    buffer: bytearray
    started: float = 0.0  # when the current task was sent (0: idle)
    label: str = ""
    reaped: bool = False

    @classmethod
    def start(cls, attempts: int = 3) -> "Child":
        """Fork a worker; fork failing for want of memory or processes (EAGAIN, ENOMEM) is transient: retried
        after a pause, `attempts` times in all."""
        for k in range(attempts - 1):
            try:
                return cls._fork()
            except OSError as exc:
                _log.warning("cannot start a worker process (%s): retrying", exc.strerror or exc)
                time.sleep(1.0 + k)
        try:
            return cls._fork()
        except OSError as exc:
            raise ReadError("", f"cannot start a worker process ({exc.strerror or exc})", Code.INTERNAL) from None

    @classmethod
    def _fork(cls) -> "Child":
        t_r, t_w = os.pipe()
        a_r, a_w = os.pipe()
        with warnings.catch_warnings():  # 3.12+ warns about fork in a threaded process; the child only computes
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                pid = os.fork()
            except OSError:
                for fd in (t_r, t_w, a_r, a_w):
                    os.close(fd)
                raise
        if pid == 0:  # pragma: no cover - runs in the child
            code = 0
            try:
                _die_with_parent()
                for fd in (t_w, a_r, *_CLOSE_IN_CHILD, *_PARENT_ENDS):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
                _serve(t_r, a_w)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(t_r)
        os.close(a_w)
        _PARENT_ENDS.update((t_w, a_r))
        return cls(pid, t_w, a_r, bytearray())

    def submit(self, fn, args: tuple, kwargs: dict, label: str = "") -> None:
        self.started = time.monotonic()
        self.label = label
        _send(self.tasks, (fn, args, kwargs))

    def read(self) -> list | None:
        """Messages that have arrived; None when the child has closed its end (it died or exited)."""
        try:
            chunk = os.read(self.answers, 1 << 20)
        except BlockingIOError:
            chunk = b""
        if not chunk:
            return None
        self.buffer += chunk
        out = []
        while len(self.buffer) >= _HEADER.size:
            (n,) = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + n:
                break
            out.append(pickle.loads(bytes(self.buffer[_HEADER.size:_HEADER.size + n])))
            del self.buffer[:_HEADER.size + n]
        return out

    def kill(self) -> None:
        if self.reaped:  # its pid may belong to another process by now
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def reap(self, grace: float = 5.0) -> str:
        """Wait for the child to end (killing it after `grace` seconds); how it ended, in words."""
        if self.reaped:
            return "already reaped"
        for fd in (self.tasks, self.answers):
            _PARENT_ENDS.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass
        self.tasks = self.answers = -1
        deadline = time.monotonic() + grace
        try:
            while True:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    self.kill()
                    _, status = os.waitpid(self.pid, 0)
                    break
                time.sleep(0.01)
        except ChildProcessError:
            self.reaped = True
            return "already reaped"
        self.reaped = True
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            return f"signal {signal.Signals(sig).name}" if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        return f"exit code {os.WEXITSTATUS(status)}"

    def close(self) -> str:
        """End an idle child: closing its task pipe ends its loop."""
        return self.reap()

    def over_limit(self, limits: Limits) -> Code | None:
        if not self.started:
            return None
        if time.monotonic() - self.started > limits.timeout:
            return Code.TIMEOUT
        rss = _rss_bytes(self.pid)
        if rss is not None and rss > limits.max_memory_mb * 1024 * 1024:
            return Code.MEMORY
        return None


_CLOSE_IN_CHILD: set[int] = set()
# the parent's ends of every live child's pipes: a later child must not hold them open, or closing a task pipe
# would never reach its own child as end-of-file
_PARENT_ENDS: set[int] = set()


def close_in_child(fd: int) -> None:
    """A descriptor children must not keep open (the batch lock: a child outliving its parent would hold it)."""
    _CLOSE_IN_CHILD.add(fd)


def keep_in_child(fd: int) -> None:
    """Undo close_in_child (the descriptor is about to be closed)."""
    _CLOSE_IN_CHILD.discard(fd)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """On Linux, the kernel kills the child when its parent dies (a killed batch leaves no orphans working)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(tasks: int, answers: int) -> None:  # pragma: no cover - runs in the child
    buf = bytearray()
    while True:
        while len(buf) < _HEADER.size or len(buf) < _HEADER.size + _HEADER.unpack_from(buf)[0]:
            chunk = os.read(tasks, 1 << 20)
            if not chunk:
                return
            buf += chunk
        (n,) = _HEADER.unpack_from(buf)
        fn, args, kwargs = pickle.loads(bytes(buf[_HEADER.size:_HEADER.size + n]))
        del buf[:_HEADER.size + n]
        if kwargs.pop("_progress", False):
            kwargs["progress"] = lambda *a: _send(answers, ("progress", a))
        try:
            result = ("result", fn(*args, **kwargs))
        except (ReadError, ModelMissing) as exc:  # a missing model is no fault of the file: passed on as it is
            result = ("error", exc)
        except MemoryError:
            result = ("error", ReadError(str(args[0]) if args else "", "the file is too large to process in memory",
                                         Code.MEMORY))
        except Exception as exc:  # noqa: BLE001 - bad input must never end in a traceback
            result = ("error", ReadError(str(args[0]) if args else "",
                                         f"could not be processed ({type(exc).__name__}: {exc})", Code.INTERNAL))
        try:
            _send(answers, result)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(answers, ("error", ReadError(str(args[0]) if args else "",
                                               f"the result could not be sent back ({exc})", Code.INTERNAL)))


def run_limited(fn, path: str, *args, limits: Limits | None = None, progress=None, **kwargs):
    """fn(path, *args, **kwargs) in a child process under `limits`; its result, or the ReadError it raised, or a
    ReadError for the limit it ran over. Without fork the call runs here, unguarded (logged once)."""
    limits = limits or Limits.from_env()
    if not available():
        fallback("no-child", "files are processed in this process: no wall-clock or memory limit")
        return fn(path, *args, progress=progress, **kwargs) if progress else fn(path, *args, **kwargs)
    if _rss_bytes(os.getpid()) is None:
        fallback("no-proc", "no /proc: the memory limit is not enforced, the wall clock is")
    try:
        child = Child.start()
    except ReadError as exc:
        raise ReadError(path, exc.reason, exc.code) from None
    try:
        if progress:
            kwargs["_progress"] = True
        child.submit(fn, (path, *args), kwargs, label=path)
        while True:
            ready, _, _ = select.select([child.answers], [], [], POLL)
            if ready:
                messages = child.read()
                if messages is None:
                    how = child.reap()
                    _log.warning("%s: worker died (%s)", path, how)
                    raise failure(path, Code.KILLED, limits, how)
                for kind, payload in messages:
                    if kind == "progress":
                        progress(*payload)
                    elif kind == "error":
                        raise payload
                    else:
                        return payload
            over = child.over_limit(limits)
            if over:
                child.kill()
                _log.warning("%s: stopped (%s)", path, over.value)
                raise failure(path, over, limits)
    finally:
        child.kill()
        child.reap()


def process_file_limited(path: str, *, limits: Limits | None = None, ocr: bool = True, progress=None,
                         max_bytes: int | None = None, family: str | None = None, preload: bool = True):
    """api.load_documents on one file under the per-file limits: what the CLI, the batch and the app call.
    `preload`: load the tokenizer and the models here first, so that this and every later child starts with them;
    False where this process forks no other child (`planlink extract`): the child loads them, and this process
    never imports the pipeline, numpy or jieba (nor spends 50-70 ms freeing them when it exits)."""
    limits = limits or Limits.from_env(max_bytes=max_bytes)
    if preload and available():
        warm()
    return run_limited(documents, str(path), limits=limits, progress=progress, max_bytes=limits.max_bytes,
                       ocr=ocr, family=family)


def documents(path: str, *, max_bytes: int | None = None, ocr: bool = True, progress=None,
              family: str | None = None) -> list:
    """api.load_documents in this process; a file without any plan is an error, not an empty list."""
    # imported here: a parent that only forks children need not import the pipeline
    from .api import load_documents

    t = time.perf_counter()
    _log.debug("%s: reading", path)
    docs = load_documents(path, max_bytes=max_bytes, ocr=ocr, progress=progress, family=family)
    _log.debug("%s: %d plan(s), %d clauses in %.2f s", path, len(docs), sum(len(d.clauses) for d in docs),
               time.perf_counter() - t)
    if not docs:
        raise ReadError(path, "no plan text was found in the file", Code.NO_TEXT)
    return docs


_warm = False


def warm() -> None:
    """Load the tokenizer, its dictionary and the models once in this process, so forked children start with them
    (else every child would load them again)."""
    global _warm
    if _warm:
        return
    from .classify import fast_tokens, load_models
    from .readers.quality import word_share

    fast_tokens("安全生产")
    word_share("安全生产")
    load_models()
    _warm = True


