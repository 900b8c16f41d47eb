"""``wismo shop import`` and ``wismo connector check`` end to end through the CLI."""

from __future__ import annotations

import json

from server.cli import main

HEADER = "order_id,email,status,carrier,tracking_number,tracking_url,shipped_at,estimated_delivery,created_at,items,postcode\n"


def test_shop_import_then_connector_check_finds_the_order(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        HEADER
        + "5001,ann@example.com,shipped,UPS,1Z999AA10123456784,,2026-11-02T10:00:00,2026-11-05,2026-11-01T09:00:00,Blue mug x 2,75011\n"
    )
    shop = tmp_path / "shop.sqlite3"
    assert main(["shop", "import", str(orders), "--shop", str(shop)]) == 0
    assert "imported 1 order(s)" in capsys.readouterr().out
    config = tmp_path / "wismo.yml"
    config.write_text(f"connector:\n  type: demo\n  path: {shop}\n")
    assert main(["connector", "check", "--config", str(config), "--order", "5001"]) == 0
    out = capsys.readouterr().out
    assert "order 5001 found" in out
    body = json.loads(out[out.index("{") :])
    assert body["status"] == "shipped" and "postcode" not in body


def test_shop_import_bad_rows_exit_2_with_file_line_and_imports_nothing(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        HEADER + "5002,bob@example.com,shipped,,,,,,,Hat x 1,\n5003,not-an-email,flying,,,,,,,x,\n"
    )
    shop = tmp_path / "shop.sqlite3"
    assert main(["shop", "import", str(orders), "--shop", str(shop)]) == 2
    err = capsys.readouterr().err
    assert f"{orders}:3:" in err and "nothing imported" in err
    config = tmp_path / "wismo.yml"
    config.write_text(f"connector:\n  type: demo\n  path: {shop}\n")
    assert main(["connector", "check", "--config", str(config), "--order", "5002"]) == 1
    captured = capsys.readouterr()
    assert "has no order 5002" in captured.out and "order 5002 not found" in captured.err


def test_connector_check_with_bad_config_names_the_key(tmp_path, capsys):
    config = tmp_path / "wismo.yml"
    config.write_text("connector:\n  type: demo\n  colour: blue\n")
    assert main(["connector", "check", "--config", str(config)]) == 2
    assert "colour" in capsys.readouterr().err


def test_connector_check_unreachable_backend_exits_1_without_secrets(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WISMO_SHOPIFY_TOKEN", "shpat_supersecret_value")
    monkeypatch.setenv("WISMO_SHOPIFY_SHOP", "demo")
    config = tmp_path / "wismo.yml"
    config.write_text(
        "connector:\n  type: shopify\n  base_url: http://127.0.0.1:9\n  timeout: 0.5\n  retries: 0\n"
    )
    code = main(["connector", "check", "--config", str(config)])
    captured = capsys.readouterr()
    assert code == 1
    assert "unreachable" in captured.err
    assert "supersecret" not in captured.out + captured.err
