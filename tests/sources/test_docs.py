"""The published contract page is the contract in code, rendered: it cannot drift."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from opspulse.cli import main
from opspulse.sources import contracts
from opspulse.sources.docs import render

PAGE = Path(__file__).resolve().parents[2] / "docs" / "sources.md"


def test_committed_page_is_the_rendered_contract():
    assert PAGE.read_text() == render(), (
        "docs/sources.md is out of date: run uv run opspulse sources docs --out docs/sources.md"
    )


def test_every_source_and_column_is_documented():
    page = render()
    for source in contracts.SOURCES:
        assert f"### {source.name}\n" in page
        assert f"| [{source.name}](#{source.name}) |" in page
        for column in source.columns:
            assert f"| `{column.name}` | {column.type} |" in page


def test_a_contract_change_changes_the_page():
    orders = contracts.get("orders")
    changed = dataclasses.replace(
        orders,
        columns=(
            *orders.columns,
            contracts.Column("gift_note", "VARCHAR", "Note | from the buyer.", pii=True),
        ),
    )
    others = [s for s in contracts.SOURCES if s.name != "orders"]

    page = render([*others, changed])

    assert page != render()
    assert "| `gift_note` | VARCHAR |  |  | Note \\| from the buyer. | yes |" in page


def test_cli_writes_and_checks_the_page(tmp_path, capsys):
    out = tmp_path / "sources.md"
    assert main(["sources", "docs", "--check", "--out", str(out)]) == 1
    assert main(["sources", "docs", "--out", str(out)]) == 0
    assert main(["sources", "docs", "--check", "--out", str(out)]) == 0
    out.write_text(out.read_text().replace("Stable order identifier.", "Order number."))
    assert main(["sources", "docs", "--check", "--out", str(out)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_the_page_states_cadence_and_open_or_closed_values():
    page = render()
    assert (
        "| commerce | [products](#products) | parquet | `product_id` | change records | on_change |"
        in page
    )
    assert "| commerce | [reviews](#reviews) | ndjson | `review_id` | events | daily |" in page
    assert 'set `reviews = "on_change"` in `company.toml`' in page
    assert "| `carrier` | VARCHAR |  | e.g. `ups`, `dhl`, `dpd`, `fedex` (any value) |" in page
    assert "| `payment_type` | VARCHAR | yes | only `charge`, `refund` |" in page
    assert "| `unit_cost` | DECIMAL(18,4) |  |  | Purchase cost per unit. |" in page
