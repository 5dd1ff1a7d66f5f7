"""AppTest tests of each app page: upload, table, filters, bad upload, linkage review, corpus view."""
from __future__ import annotations

import pytest

from conftest import FIXTURES, ROOT

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
APP = str(ROOT / "app.py")


def app():
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    return at


def frame(at):
    return at.dataframe[0].value


def test_upload_pdf_gives_task_table_and_filters():
    at = app()
    pdf = (FIXTURES / "tieshan_001.pdf").read_bytes()
    at.file_uploader[0].set_value(("铁峰乡方案.pdf", pdf, "application/pdf"))
    at.run()
    assert not at.exception
    assert not at.error
    table = frame(at)
    assert len(table) == 32
    assert "铁峰乡" in at.subheader[0].value
    assert any("铁峰府发〔2024〕56号" in m.value for m in at.markdown)
    assert set(table.columns) >= {"任务内容", "完成时限", "频次", "牵头单位", "责任单位", "行动类别", "督办状态"}
    kind = next(s for s in at.selectbox if s.label == "条款类型")
    kind.set_value("仅任务").run()
    tasks = frame(at)
    assert 0 < len(tasks) < 32 and set(tasks["是否任务"]) == {"是"}
    years = next(m for m in at.multiselect if m.label == "时限年份")
    years.set_value([2024]).run()
    assert all("2024" in v for v in frame(at)["时限（规范）"])
    labels = [b.label for b in at.get("download_button")]
    assert labels[:3] == ["下载 Excel（xlsx）", "下载 CSV", "下载 JSON"]  # then the review editor's own download


def test_bad_upload_names_the_file_in_chinese_and_the_rest_goes_through():
    at = app()
    at.file_uploader[0].set_value([
        ("坏文件.pdf", (FIXTURES / "bad" / "truncated.pdf").read_bytes(), "application/pdf"),
        ("好文件.docx", (FIXTURES / "tieshan_001.docx").read_bytes(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ])
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "坏文件.pdf" in at.error[0].value and "损坏" in at.error[0].value
    assert len(frame(at)) == 32


def test_linkage_page_shows_coverage():
    at = app()
    at.sidebar.radio[0].set_value("衔接审查").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) >= {"已落实", "遗漏", "弱化", "强化", "新增"}  # and the review panel's own counts
    assert int(metrics["已落实"]) > 0
    assert any("上级任务与下级条款对照" in s.value for s in at.subheader)


def test_corpus_page_renders():
    at = app()
    at.sidebar.radio[0].set_value("语料总览").run()
    assert not at.exception
    heads = [s.value for s in at.subheader]
    assert "各方案 × 八大行动（任务数）" in heads and "文件引用关系" in heads


def test_saved_web_page_shows_the_notice_metadata_escaped():
    """Issue 16: a saved 政府信息公开 page: 发文机关/文号 from the page, the notice's demands as a caption."""
    at = app()
    page = (FIXTURES / "web" / "zj_county_emergency.html").read_bytes()
    at.file_uploader[0].set_value(("安平县方案.html", page, "text/html"))
    at.run()
    assert not at.exception and not at.error
    assert any("安应急〔2024〕21号" in m.value for m in at.markdown)
    assert any("印发通知的要求" in c.value and "2024年6月20日前" in c.value for c in at.caption)
    # a 文号 cell holding markup (written as entities in the page) is shown as text, not as HTML
    evil = page.replace("安应急〔2024〕21号</td>".encode(), "&lt;b&gt;x&lt;/b&gt;</td>".encode(), 1)
    at.file_uploader[0].set_value(("evil.html", evil, "text/html"))
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "发文字号" in m.value]
    assert shown and all("&lt;b&gt;x&lt;/b&gt;" in v and "<b>x</b>" not in v for v in shown)
