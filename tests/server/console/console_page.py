"""A small page object for the web console, so tests read as what a tester does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT_SECONDS = 15


class ConsolePage:
    """The console at ``url`` in ``driver`` (a Selenium WebDriver)."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def open(self) -> ConsolePage:
        self.driver.get(self.url + "/")
        self.wait(lambda d: d.find_element(By.ID, "conversation-id").text.startswith("console-"))
        return self

    def wait(self, condition: Any, timeout: float = WAIT_SECONDS) -> Any:
        return WebDriverWait(self.driver, timeout).until(condition)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def bot_turns(self) -> list[WebElement]:
        return self.find_all("#log .bot-turn")

    def send(self, text: str) -> WebElement:
        """Type ``text`` in the message box, press Enter, and return what came back (a turn or an error)."""
        answers = "#log .bot-turn, #log .bubble.error"
        before = len(self.find_all(answers))
        box = self.find("#message")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.wait(lambda d: len(self.find_all(answers)) > before)
        return self.find_all(answers)[-1]

    def set_language(self, language: str) -> None:
        Select(self.find("#language")).select_by_value(language)

    def orders(self) -> list[WebElement]:
        """The demo-orders table rows, once the panel has finished loading (empty when it failed)."""

        def loaded(driver: Any) -> bool:
            status = self.find("#orders-status").text.strip()
            return bool(self.find_all("#orders tbody tr")) or (bool(status) and not status.endswith("…"))

        self.wait(loaded)
        return self.find_all("#orders tbody tr")

    def screenshot(self, folder: Path, name: str) -> Path:
        path = folder / f"{name}.png"
        self.driver.save_screenshot(str(path))
        print(f"screenshot: {path}")
        return path


def field(turn: WebElement, name: str) -> str:
    """The text of one row of a turn's trace panel (``intent``, ``slots``, ``rules``, ``templates``, ...)."""
    return turn.find_element(By.CSS_SELECTOR, f'.inspect dd[data-field="{name}"]').text


def replies(turn: WebElement) -> str:
    return "\n".join(b.text for b in turn.find_elements(By.CSS_SELECTOR, ".bubble.bot .text"))
