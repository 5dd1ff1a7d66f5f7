"""A reviewer's session in a real browser (Debian's Chromium driven by Playwright): confirm two links, reject one,
correct a department in the task table, download the 衔接审查报告; then, at 1366×768, mark the review complete and
download its linkage gold. Screenshots go to tests/output/screenshots/ (docs/screenshots/ with
PLANLINK_SCREENSHOTS=1)."""
from __future__ import annotations

import os
import time

import pytest
from conftest import ROOT
from test_browser import CHROMIUM, browser, free_port, serve

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
# the README's screenshots are refreshed only on request; an ordinary run writes to the ignored tests/output
SHOTS = ROOT / ("docs/screenshots" if os.environ.get("PLANLINK_SCREENSHOTS") == "1" else "tests/output/screenshots")


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    """The app as `make run` starts it, on a review database of its own."""
    db = tmp_path_factory.mktemp("review") / "review.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANLINK_DB": str(db)}
    with open(db.parent / "server.log", "w", encoding="utf-8") as log:
        for url in serve(free_port(), env, log):
            yield url, str(db)


def _wait_for_correction(db: str, timeout: float) -> bool:
    """True once the review database holds a department correction, polling for up to `timeout` seconds."""
    from extract.review.workflow import ReviewStore

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        store = ReviewStore(db)
        try:
            if any(e["action"] == "correct_departments" for e in store.audit_log()):
                return True
        finally:
            store.close()
        time.sleep(0.5)
    return False


def links_page(b, url: str, reviewer: str, viewport: dict):
    """A new session of the app: the reviewer's name given in the sidebar, then the 衔接审查 page."""
    page = b.new_page(viewport=viewport)
    page.goto(url, wait_until="networkidle")
    page.get_by_label("审查人姓名（每次会话填写一次）").fill(reviewer)
    page.get_by_role("button", name="确定").click()
    page.get_by_text(f"审查人：{reviewer}").first.wait_for(timeout=60000)
    page.get_by_text("衔接审查").first.click()
    return page


def shot(page, anchor: str, name: str) -> None:
    """A screenshot of the page scrolled to the first element showing `anchor`."""
    page.get_by_text(anchor).first.scroll_into_view_if_needed()
    time.sleep(1.5)
    page.screenshot(path=str(SHOTS / name))


def download(page, label: str, path):
    """Click the download button `label` and save what it gives at `path`."""
    with page.expect_download(timeout=60000) as dl:
        page.get_by_text(label).first.click()
    dl.value.save_as(str(path))
    return path


def test_review_a_plan_end_to_end(review_server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from docx import Document

    from extract.review.workflow import ReviewStore

    url, db = review_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = browser(p)
        page = links_page(b, url, "张三", {"width": 1500, "height": 1100})
        page.get_by_text("已审 0 /").first.wait_for(timeout=180000)
        for n, verdict in enumerate(["确认", "确认", "否决"], 1):
            for attempt in range(5):  # a rerun of the page may replace the button between finding and clicking it
                try:
                    button = page.locator("button:not([disabled])", has_text=verdict).filter(
                        has_not_text="改关联").first
                    button.scroll_into_view_if_needed()
                    button.click()
                    page.get_by_text(f"已审 {n} /").first.wait_for(timeout=60000)
                    break
                except sync_api.Error:
                    if attempt == 4:
                        raise
                    time.sleep(1)
        shot(page, "人工审查", "review_links.png")
        report = download(page, "下载衔接审查报告（Word）", tmp_path / "report.docx")

        page.get_by_text("任务清单").first.click()
        page.get_by_text("保存更正").first.wait_for(timeout=120000)
        grid = page.locator("[data-testid=stDataFrame]").last
        grid.scroll_into_view_if_needed()
        time.sleep(1)
        box = grid.bounding_box()
        # the editor's columns have fixed widths: 条款 75, 任务内容 400, 是否任务 95, 行动类别 200, then 牵头单位 200 px;
        # the third row is the first task of the sample plan
        editor = page.locator("textarea.gdg-input")
        for _ in range(5):  # a busy machine may swallow the first click: select the cell until its editor opens
            page.mouse.move(box["x"] + 75 + 400 + 95 + 200 + 100, box["y"] + 35 + 2 * 35 + 17)
            page.mouse.down()
            page.mouse.up()
            time.sleep(0.7)
            page.keyboard.press("Enter")
            try:
                editor.wait_for(state="visible", timeout=5000)
                break
            except sync_api.TimeoutError:
                continue
        page.keyboard.insert_text("县经济信息委")
        page.keyboard.press("Enter")
        editor.wait_for(state="hidden", timeout=10000)
        time.sleep(1)  # the grid hands the edit to Streamlit
        # the saved correction is read back from the review database: the 已保存 message lasts one rerun only, and a
        # click that reaches Streamlit before the grid's edit is answered 没有需要保存的修改, so it is clicked again
        for attempt in range(6):
            page.get_by_role("button", name="保存更正").click()
            if _wait_for_correction(db, timeout=20):
                break
            assert attempt < 5, "the correction never reached the review database"
        shot(page, "人工更正", "review_tasks.png")
        b.close()

    doc = Document(str(report))
    texts = [x.text for x in doc.paragraphs]
    assert texts[0] == "衔接审查报告" and "审查人：张三" in texts
    store = ReviewStore(db)
    status = store.status()
    assert (status["confirmed"], status["rejected"]) == (2, 1)
    fixes = [e for e in store.audit_log() if e["action"] == "correct_departments"]
    assert len(fixes) == 1 and fixes[0]["reviewer"] == "张三"
    assert ("县经济信息委", "lead") in [(d["name"], d["role"]) for d in fixes[0]["new"]]
    assert len(doc.tables) >= 3


def test_mark_the_review_complete_and_download_its_linkage_gold(review_server, tmp_path):
    """After the session above, the other links are decided (as a second reviewer would), then in a new session at
    1366×768 the reviewer marks the review complete and downloads it as linkage gold, which holds the reviewed
    report's links."""
    import json
    import zipfile

    sync_api = pytest.importorskip("playwright.sync_api")
    from extract.review.report import reviewed_report
    from extract.review.workflow import OPEN_STATES, ReviewStore

    url, db = review_server
    store = ReviewStore(db)
    for q in store.queue():
        if q["state"] in OPEN_STATES:
            store.decide(q["id"], "confirm", reviewer="李四")
    with sync_api.sync_playwright() as p:
        b = browser(p)
        page = links_page(b, url, "张三", {"width": 1366, "height": 768})
        mark = page.get_by_role("button", name="标记衔接审查完成")
        mark.wait_for(timeout=180000)
        mark.scroll_into_view_if_needed()
        for attempt in range(5):  # a rerun may replace the button between finding and clicking it
            try:
                page.get_by_role("button", name="标记衔接审查完成").click(timeout=10000)
                page.get_by_text("衔接审查已完成").first.wait_for(timeout=60000)
                break
            except sync_api.Error:
                assert attempt < 4
        shot(page, "衔接审查已完成", "review_complete.png")
        path = download(page, "下载衔接标注（gold，ZIP）", tmp_path / "gold.zip")
        b.close()
    assert store.links_confirmed()["reviewer"] == "张三"
    with zipfile.ZipFile(path) as zf:
        gold = json.loads(zf.read("review_links_1.json"))
        assert sorted(zf.namelist()) == ["plans/review_links_1_child.json", "plans/review_links_1_parent.json",
                                         "review_links_1.json"]
    rep = reviewed_report(store)
    assert len(gold["links"]) == len(rep["links"]) and len(gold["dropped"]) == len(rep["coverage"]["dropped"])
    rejected = {q["id"] for q in store.queue() if q["state"] == "rejected"}
    assert rejected and not rejected & {g["review_link"] for g in gold["links"]}  # the first session's 否决
    store.close()
