"""A real browser (Debian's Chromium driven by Playwright) uploads the PDF fixture and reads the task table."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import FIXTURES, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
OUT = ROOT / "tests" / "output"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=str(ROOT), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the app did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])


def open_app(p, server):
    b = browser(p)
    page = b.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(server, wait_until="networkidle")
    return b, page


def test_upload_pdf_and_see_task_table(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b, page = open_app(p, server)
        page.get_by_text("任务清单").first.wait_for(timeout=60000)
        page.locator("input[type=file]").first.set_input_files(str(FIXTURES / "tieshan_001.pdf"))
        page.get_by_text("铁峰府发〔2024〕56号").first.wait_for(timeout=120000)
        page.get_by_text("共 32 条").first.wait_for(timeout=60000)
        page.get_by_text("下载 Excel（xlsx）").first.wait_for(timeout=60000)
        time.sleep(1.5)  # let the data grid paint before the screenshot
        body = page.inner_text("body")
        assert "铁峰乡安全生产治本攻坚三年行动工作方案" in body
        page.screenshot(path=str(OUT / "app_tasks.png"), full_page=False)
        b.close()


@pytest.mark.parametrize("page_name,marker,shot", [("衔接审查", "上级任务与下级条款对照", "app_link.png"),
                                                   ("语料总览", "各方案 × 八大行动（任务数）", "app_corpus.png")])
def test_other_pages_render(server, page_name, marker, shot):
    sync_api = pytest.importorskip("playwright.sync_api")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b, page = open_app(p, server)
        page.get_by_text(page_name).first.click()
        page.get_by_text(marker).first.wait_for(timeout=120000)
        time.sleep(2)
        page.screenshot(path=str(OUT / shot), full_page=False)
        b.close()
