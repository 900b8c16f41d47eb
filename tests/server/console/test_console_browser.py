"""The web console in a real headless Chromium against a live wismo server with the embedded demo shop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("selenium", reason="needs selenium (pip install -e '.[dev]')")

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.server.console.conftest import API_TOKEN
from tests.server.console.console_page import ConsolePage, field, replies
from tests.server.live import LiveServer

pytestmark = pytest.mark.slow
XSS = '<img src=x onerror="window.__wismoXss=1">'


@pytest.fixture
def page(browser: Any, console_server: LiveServer) -> ConsolePage:
    return ConsolePage(browser, console_server.url).open()


def test_console_wismo_conversation_shows_status_and_trace(page: ConsolePage, screenshot_dir: Path) -> None:
    first = page.send("Where is my order 1002?")
    assert field(first, "intent").startswith("order_status")
    assert "ask_email" in field(first, "rules")
    assert "order_id = 1002" in field(first, "slots")

    second = page.send("jane@example.com")

    assert "DHL" in replies(second)
    assert "lookup_by_order_id" in field(second, "rules")
    assert field(second, "templates") == "order_found_in_transit"
    page.screenshot(screenshot_dir, "console-wismo-en")


def test_console_french_switch_relabels_and_answers_in_french(
    page: ConsolePage, screenshot_dir: Path
) -> None:
    page.set_language("fr")

    assert page.find("#send").text == "Envoyer"
    assert page.driver.execute_script("return document.documentElement.lang") == "fr"
    assert page.orders() and "commandes" in page.find("#orders-status").text
    page.send("Où est ma commande 1005 ?")
    turn = page.send("marie.dupont@exemple.fr")
    assert "Colissimo" in replies(turn)
    assert "fr" in field(turn, "intent")
    page.screenshot(screenshot_dir, "console-wismo-fr")


def test_console_handoff_shows_reason_team_and_summary(page: ConsolePage, screenshot_dir: Path) -> None:
    turn = page.send("I want to talk to a human")

    handoff = turn.find_element(By.CSS_SELECTOR, '.handoff[data-field="handoff"]')
    assert handoff.find_element(By.CSS_SELECTOR, 'dd[data-field="reason"]').text == "requested_human"
    assert handoff.find_element(By.CSS_SELECTOR, 'dd[data-field="team"]').text
    assert "human" in handoff.find_element(By.CSS_SELECTOR, 'dd[data-field="summary"]').text
    page.screenshot(screenshot_dir, "console-handoff")


def test_console_sends_with_the_keyboard_only(page: ConsolePage) -> None:
    body = page.find("body")
    for presses in range(1, 10):
        body.send_keys(Keys.TAB) if presses == 1 else page.driver.switch_to.active_element.send_keys(Keys.TAB)
        if page.driver.switch_to.active_element.get_attribute("id") == "message":
            break
    active = page.driver.switch_to.active_element
    assert active.get_attribute("id") == "message", "the message box is not reachable with Tab"
    assert active.value_of_css_property("outline-style") != "none", "keyboard focus is not visible"

    active.send_keys("Where is my order 1003?", Keys.ENTER)

    page.wait(lambda d: page.bot_turns())
    assert page.driver.switch_to.active_element.get_attribute("id") == "message"
    assert "order_id = 1003" in field(page.bot_turns()[-1], "slots")


def test_console_skip_link_jumps_to_the_message_box(page: ConsolePage) -> None:
    page.find("body").send_keys(Keys.TAB)
    link = page.driver.switch_to.active_element
    assert "skip-link" in link.get_attribute("class")
    link.send_keys(Keys.ENTER)

    assert page.driver.switch_to.active_element.get_attribute("id") == "message"


def test_console_announces_bot_messages_in_a_live_region(page: ConsolePage) -> None:
    turn = page.send("Where is my order 1002?")

    announcer = page.find("#announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert replies(turn) in announcer.get_attribute("textContent")


def test_console_phone_layout_has_no_horizontal_scroll(
    browser: Any, console_server: LiveServer, screenshot_dir: Path
) -> None:
    metrics = {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    page = ConsolePage(browser, console_server.url).open()
    page.send("Where is my order 1004?")
    page.send("jane@example.com")
    page.send("I want to talk to a human")

    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == 375
    page.screenshot(screenshot_dir, "console-phone-375")
    browser.execute_script("document.getElementById('orders-heading').scrollIntoView()")
    page.screenshot(screenshot_dir, "console-phone-375-orders")


def test_console_renders_hostile_customer_text_as_text(page: ConsolePage) -> None:
    page.send(XSS)

    assert page.find_all("#log img") == []
    assert page.driver.execute_script("return window.__wismoXss") is None
    assert page.find_all("#log .bubble.user .text")[-1].text == XSS


def test_console_renders_hostile_server_text_as_text(page: ConsolePage) -> None:
    turn = page.send(f"I want to talk to a human {XSS}")

    assert XSS in field(turn, "summary")  # the handoff summary quotes the message back
    assert page.find_all("#log img") == []
    assert page.driver.execute_script("return window.__wismoXss") is None


def test_console_order_panel_inserts_order_number_and_email(page: ConsolePage) -> None:
    rows = {row.get_attribute("data-order"): row for row in page.orders()}
    assert len(rows) >= 20
    assert "marie.dupont@exemple.fr" in rows["1005"].text and "Colissimo" in rows["1005"].text

    rows["1002"].find_element(By.CSS_SELECTOR, ".pick.order-id").click()
    rows["1002"].find_element(By.CSS_SELECTOR, ".pick.email").click()

    assert page.find("#message").get_attribute("value") == "1002 jane@example.com"
    assert page.driver.switch_to.active_element.get_attribute("id") == "message"


def test_console_new_conversation_clears_log_and_changes_id(page: ConsolePage) -> None:
    page.send("Where is my order 1002?")
    old_id = page.find("#conversation-id").text

    page.find("#new-conversation").click()

    assert page.find("#conversation-id").text not in ("", old_id)
    assert page.bot_turns() == []


def test_console_verified_email_is_sent_as_customer_attribute(page: ConsolePage) -> None:
    page.find("#customer-email").send_keys("jane@example.com")

    turn = page.send("Where is my order 1002?")

    assert "DHL" in replies(turn)
    assert field(turn, "templates") == "order_found_in_transit"
    assert field(turn, "verified") == "jane@example.com"


def test_console_asks_for_the_token_on_401_and_uses_it(browser: Any, secured_server: LiveServer) -> None:
    page = ConsolePage(browser, secured_server.url).open()
    error = page.send("Where is my order 1002?")
    assert "WISMO_API_TOKEN" in error.text
    assert page.find("#alert").is_displayed()

    page.find("#token").send_keys(API_TOKEN)
    page.find("#save-token").click()
    turn = page.send("Where is my order 1002?")

    assert "ask_email" in field(turn, "templates")
    assert not page.find("#alert").is_displayed()
    assert page.orders()


def test_widget_chats_from_a_shop_page_without_debug_panels(
    browser: Any, console_server: LiveServer, screenshot_dir: Path
) -> None:
    browser.get(console_server.url + "/static/widget-demo.html")
    page = ConsolePage(browser, console_server.url)
    root = page.wait(lambda d: d.find_element(By.ID, "wismo-chat").shadow_root)
    root.find_element(By.CSS_SELECTOR, ".launcher").click()
    box = root.find_element(By.CSS_SELECTOR, "input")
    assert browser.execute_script(
        "return document.activeElement.shadowRoot.activeElement.id"
    ) == box.get_attribute("id")

    box.send_keys("Where is my order 1002?", Keys.ENTER)

    page.wait(lambda d: len(root.find_elements(By.CSS_SELECTOR, ".msg.bot")) >= 2)
    assert "1002" in root.find_elements(By.CSS_SELECTOR, ".msg.bot")[-1].text
    assert root.find_elements(By.CSS_SELECTOR, ".inspect, dl") == []
    page.screenshot(screenshot_dir, "widget-open")
    box.send_keys(Keys.ESCAPE)
    assert not root.find_element(By.CSS_SELECTOR, ".panel").is_displayed()
