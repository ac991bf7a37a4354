"""The `newsbot` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLE = (
    "Rebels attack Bunia as thousands flee\n\n"
    "Rebel fighters attacked the town of Bunia in Ituri province on Sunday, killing at "
    "least nine civilians, local officials said.\n\n"
    "Thousands of residents fled toward the border with Uganda, aid workers said.\n"
)


def newsbot(*args: str, stdin: str | bytes | None = None, env=None):
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=data, capture_output=True, timeout=120,
        env=env,
    )


def test_help_has_examples():
    for cmd in (["--help"], ["analyze", "--help"], ["eval", "--help"], ["demo", "--help"]):
        out = newsbot(*cmd)
        assert out.returncode == 0
        assert b"example" in out.stdout


def test_analyze_file_json(tmp_path: Path):
    f = tmp_path / "story.txt"
    f.write_text(ARTICLE.split("\n\n", 1)[1])
    out = newsbot("analyze", "--json", str(f))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {"id", "title", "url", "published", "summary", "events", "error"}
    types = {e["type"] for e in result["events"]}
    assert {"attack", "civilian_harm", "displacement"} <= types
    attack = next(e for e in result["events"] if e["type"] == "attack")
    assert attack["places"][0]["country"] == "CD"
    assert set(attack["places"][0]) == {"name", "country", "admin1", "kind", "lat", "lon"}
    assert attack["alert"].split(" ", 1)[1].startswith("ATTACK · ")


def test_analyze_stdin_html_human_output():
    html = "<html><head><title>Quake hits Van</title></head><body><article>" + "".join(
        f"<p>{p}</p>" for p in [
            "A magnitude 6.8 earthquake struck the eastern Turkish province of Van on "
            "Monday, killing at least 40 people and destroying hundreds of buildings.",
            "Rescuers searched the rubble through the night, officials said.",
        ]) + "</article></body></html>"
    out = newsbot("analyze", "-", stdin=html)
    assert out.returncode == 0, out.stderr
    assert "DISASTER · " in out.stdout.decode()


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["analyze", "-"], "", 1, b"empty"),
        (["analyze", "-"], b"\x00\x01\x02binary\xff" * 50, 1, b"binary"),
        (["analyze", "http://127.0.0.1:9/x"], None, 1, b"loopback"),
        (["analyze", "ftp://example.org/x"], None, 1, b"http"),
        (["analyze", "/no/such/file.html"], None, 2, b"no such file"),
        (["analyze"], None, 2, b"missing source"),
        (["eval", "/no/such.jsonl"], None, 2, b"no such file"),
    ],
)
def test_bad_input_gets_a_clear_message_and_exit_code(args, stdin, code, message):
    out = newsbot(*args, stdin=stdin)
    assert out.returncode == code
    assert message in out.stderr.lower()


def test_jsonl_batch_keeps_order_and_reports_errors_per_line():
    lines = [
        json.dumps({"id": "a", "title": "Rebels attack Bunia", "text": ARTICLE}),
        "{not json",
        json.dumps({"id": "b", "text": ""}),
        json.dumps({"id": "c", "html": "<html><body><p>Le gouvernement a annoncé lundi une "
                    "nouvelle loi sur les retraites et les syndicats ont appelé à la grève "
                    "dans tout le pays pour la semaine prochaine.</p></body></html>"}),
        json.dumps({"id": "d", "url": "http://localhost:1/story"}),
        json.dumps({"id": "e", "title": "Budget", "text": "The council approved the budget "
                    "for the new library on Tuesday after a short debate among members."}),
    ]
    out = newsbot("analyze", "--jsonl", "-", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["id"] for r in results] == ["a", None, "b", "c", "d", "e"]
    assert results[0]["error"] is None and results[0]["events"]
    assert "not valid JSON" in results[1]["error"]
    assert results[2]["error"] and results[2]["events"] == []
    assert "French" in results[3]["error"]
    assert "loopback" in results[4]["error"]
    assert results[5]["error"] is None and results[5]["events"] == []
    assert b"6 analysed" in out.stderr


def test_jsonl_hostile_lines_get_an_error_and_the_batch_goes_on():
    ok = json.dumps({"id": "ok", "title": "Rebels attack Bunia", "text": ARTICLE}).encode()
    bad = [
        (b'{"id": "title", "title": 5, "text": "Rebels attacked Bunia."}', "'title' must be"),
        (b'{"id": "text", "text": {"nested": true}}', "'text' must be a string"),
        (b'{"id": "lone", "text": "Rebels \\ud800 attacked Bunia."}', "lone surrogate"),
        (b'{"id": "lone-title", "title": "\\udfff", "text": "Hi."}', "lone surrogate"),
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"id": "deep", "text": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
         "nested too deeply"),
        (b'"just a string"', "must be a JSON object, not a string"),
        (b"[1, 2, 3]", "must be a JSON object, not an array"),
        (b"null", "must be a JSON object, not null"),
        (b'{"id": "\\ud800", "text": 7}', "'text' must be a string"),
    ]
    lines = [ok, *(line for line, _ in bad), b'{"id": "latin1", "text": "caf\xe9"}', ok]
    out = newsbot("analyze", "--jsonl", "-", stdin=b"\n".join(lines) + b"\n")
    assert out.returncode == 0, out.stderr
    assert b"Traceback" not in out.stderr
    results = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert len(results) == len(lines)  # one result a line, in order
    assert results[0]["error"] is None and results[0]["events"]
    for (line, says), result in zip(bad, results[1:], strict=False):
        assert result["error"] and says in result["error"], (line[:60], result["error"])
        assert result["events"] == []
    assert [r["id"] for r in results[1:5]] == ["title", "text", "lone", "lone-title"]
    assert results[-2]["id"] == "latin1"  # bytes that are not UTF-8 are replaced, not fatal
    assert results[-1] == results[0]
    assert f"{len(lines)} analysed".encode() in out.stderr


def test_bad_settings_are_one_line_and_exit_2(tmp_path: Path):
    env = {
        **os.environ,
        "NEWSBOT_CONFIG": str(tmp_path / "absent.toml"),
        "NEWSBOT_FETCH_TIMEOUT": "soon",
        "NEWSBOT_DATABASE_URL": "postgresql://bot:hunter2@db.invalid/news",
        "NEWSBOT_DISCORD_TOKEN": "tok-secret",
    }
    for args in (["run"], ["analyze", "-"], ["db", "upgrade"], ["feeds"], ["subscriptions"]):
        out = newsbot(*args, stdin="x", env=env)
        err = out.stderr.decode()
        assert out.returncode == 2, (args, err)
        assert err.count("\n") == 1 and err.startswith("newsbot: bad setting: "), (args, err)
        assert "fetch_timeout (NEWSBOT_FETCH_TIMEOUT)" in err and "valid number" in err
        assert "soon" not in err and "hunter2" not in err and "Traceback" not in err
    toml = tmp_path / "newsbot.toml"
    toml.write_text('poll_interval = 60\n[[feeds]]\nurl = "https://bot:hunter2@x.org/rss"\n'
                    "backfill = 3\n")
    out = newsbot("feeds", env={**env, "NEWSBOT_CONFIG": str(toml),
                                "NEWSBOT_FETCH_TIMEOUT": "10"})
    err = out.stderr.decode()
    assert out.returncode == 2 and err.count("\n") == 1, err
    assert "feeds.0.backfill" in err and "hunter2" not in err
    toml.write_text("poll_interval = \n")
    out = newsbot("feeds", env={**env, "NEWSBOT_CONFIG": str(toml),
                                "NEWSBOT_FETCH_TIMEOUT": "10"})
    assert out.returncode == 2 and out.stderr.decode().count("\n") == 1, out.stderr


def test_eval_on_a_small_labelled_file(tmp_path: Path):
    f = tmp_path / "gold.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "p", "title": "", "text": ARTICLE, "events": [
            {"type": "attack", "headline": True, "places": [{"name": "Bunia", "country": "CD"}]},
            {"type": "ceasefire", "headline": False, "places": [{"name": "Goma", "country": "CD"}]},
        ]}),
        json.dumps({"id": "n", "title": "", "text": "The central bank kept rates unchanged "
                    "on Thursday, citing steady inflation and a strong labour market.",
                    "events": []}),
    ]))
    out = newsbot("eval", "--json", str(f))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["per_type"]["attack"]["tp"] == 1
    assert report["per_type"]["ceasefire"]["fn"] == 1
    assert report["false_alarm_rate"] == 0.0
    assert report["place_recall"] == 1.0


def test_eval_prints_one_table_for_several_sets_and_splits(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({
        "id": f"c{i}", "title": "", "split": split, "text": ARTICLE,
        "events": [{"type": "attack", "headline": True,
                    "places": [{"name": "Bunia", "country": "CD"}]}],
    }) for i, split in enumerate(["tune", "tune", "test"])))
    xml = tmp_path / "topo.xml"
    text = "Officials in Kandahar said the outbreak had spread to Herat."
    xml.write_text(
        "<articles><article><source>x</source><text>" + text + "</text><locations>"
        "<location><name>Kandahar</name><start>14</start><end>22</end>"
        "<lat>31.61</lat><lon>65.71</lon><page>p</page></location>"
        "<location><name>Herat</name><start>54</start><end>59</end>"
        "<lat>34.34</lat><lon>62.2</lon><page>p</page></location>"
        "</locations></article></articles>"
    )
    out = newsbot("eval", f"{gold}:tune", f"{gold}:test", str(xml))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines[0].split()[:2] == ["set", "cases"]
    assert any(line.startswith("gold.jsonl:tune") and " 2 " in line for line in lines)
    assert any(line.startswith("gold.jsonl:test") and " 1 " in line for line in lines)
    assert any(line.startswith("topo.xml") and "Acc@161 1.000" in line for line in lines)
    missing = newsbot("eval", f"{gold}:nosuch")
    assert missing.returncode == 2 and b"no case has split 'nosuch'" in missing.stderr


def test_demo_runs_offline_and_prints_alerts():
    out = newsbot("demo")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "CAPTURE · " in text and "No alert" in text


def test_service_commands_on_the_command_line(tmp_path: Path):
    import os

    cfg = tmp_path / "newsbot.toml"
    cfg.write_text('[[channels]]\nname = "desk"\nkind = "console"\nregions = ["Sahel"]\n')
    env = {**os.environ, "NEWSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/n.db",
           "NEWSBOT_CONFIG": str(cfg)}
    assert newsbot("db", "upgrade", env=env).returncode == 0
    out = newsbot("subscribe", "Middle", "East", "--types", "attack", "--channel", "desk",
                  env=env)
    assert out.returncode == 0, out.stderr
    assert b"Subscribed to Middle East (attack)" in out.stdout
    listed = newsbot("subscriptions", "--channel", "desk", env=env)
    assert b"Middle East" in listed.stdout
    bad = newsbot("subscribe", "Narnia", env=env)
    assert bad.returncode == 1 and b"don't know the region" in bad.stderr
    unknown = newsbot("subscriptions", "--channel", "nope", env=env)
    assert unknown.returncode == 2 and b"channels: console, desk" in unknown.stderr
    feeds = newsbot("feeds", "add", env=env)
    assert feeds.returncode == 2 and b"needs a URL" in feeds.stderr
    assert newsbot("feeds", env=env).returncode == 0
