"""Replay past support tickets through the real NLU and policy, before the bot meets a customer.

The data flows left to right::

    ticket files ─▶ readers (CSV, JSON Lines, Intercom, Zendesk) ─▶ Ticket values + BadRow reports
      ─▶ replay (fresh state per ticket, fixed clock) ─▶ TicketResult ─▶ comparison with the agent's action
      ─▶ summary.json, results.jsonl, report.html ─▶ ``wismo suggest`` (clusters of misunderstood messages)

See ``docs/simulation.md``.
"""
