"""Rendering rules that Telegram enforces: length, HTML escaping, 64-byte callback data."""

from __future__ import annotations

from collections import OrderedDict

from bot.rasa_client import Button
from bot.telegram import render


def test_short_text_is_one_message():
    assert render.split_text("  Hello there.  ") == ["Hello there."]


def test_split_keeps_whole_paragraphs_when_they_fit():
    paragraphs = [f"Paragraph {n}. " + "word " * 350 for n in range(4)]
    chunks = render.split_text("\n\n".join(p.strip() for p in paragraphs))
    assert len(chunks) == 2
    assert all(render.telegram_length(c) < 4096 for c in chunks)
    assert chunks[0].startswith("Paragraph 0.") and chunks[1].startswith("Paragraph 2.")


def test_split_long_paragraph_on_sentence_boundaries_in_cjk():
    sentence = "成都平原的文化产业正在走向国际市场。"
    chunks = render.split_text(sentence * 600)
    assert len(chunks) > 1
    assert all(c.endswith("。") for c in chunks)
    assert "".join(chunks) == sentence * 600


def test_split_counts_escaped_length_so_html_entities_fit():
    chunks = render.split_text("R&D <and> " * 800)
    assert all(len(render.escape(c).encode("utf-16-le")) // 2 < 4096 for c in chunks)
    assert "".join(chunks).replace(" ", "") == ("R&D<and>" * 800)


def test_split_counts_emoji_as_two_units_and_cuts_giant_words():
    chunks = render.split_text("🙂" * 3000)
    assert len(chunks) == 2
    assert all(render.telegram_length(c) < 4096 for c in chunks)


def test_escape_neutralises_markup():
    assert render.escape('<a href="x">&amp;</a>') == '&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;'


def test_short_ascii_payload_travels_as_is():
    store: OrderedDict[str, str] = OrderedDict()
    data = render.callback_data("/affirm", store)
    assert render.resolve_callback(data, store) == "/affirm"
    assert not store


def test_long_or_non_latin_payloads_get_short_ids_within_64_bytes():
    store: OrderedDict[str, str] = OrderedDict()
    payloads = ['/route_info{"item":"route:南方丝绸之路"}', '/measure_info{"item":"section:9"}' + "x" * 80]
    for payload in payloads:
        data = render.callback_data(payload, store)
        assert len(data.encode("utf-8")) <= 64
        assert render.resolve_callback(data, store) == payload


def test_oldest_short_ids_expire_and_unknown_data_resolves_to_none():
    store: OrderedDict[str, str] = OrderedDict()
    first = render.callback_data("/x" + "é" * 10, store)
    for n in range(render.MAX_STORED_BUTTONS):
        render.callback_data(f"/y{n}" + "é" * 10, store)
    assert render.resolve_callback(first, store) is None
    assert render.resolve_callback("k:nope", store) is None
    assert render.resolve_callback("garbage", store) is None


def test_keyboard_has_one_button_per_row_with_titles():
    markup = render.keyboard([Button("Yes", "/affirm"), Button("No", "/deny")], OrderedDict())
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Yes"], ["No"]]
