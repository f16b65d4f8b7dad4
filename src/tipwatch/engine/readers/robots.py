"""robots.txt per host, fetched once per crawl, with the crawler's own status rules."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

__all__ = ["HostRules", "RobotsCache", "crawl_delay"]

log = logging.getLogger(__name__)

#: robots.txt bytes read at most (RFC 9309 asks crawlers to parse at least 500 KiB).
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(slots=True)
class HostRules:
    """What robots.txt of one origin allows: ``allowed(url)`` and its crawl delay (seconds)."""

    parser: RobotFileParser
    user_agent: str
    crawl_delay: float = 0.0

    def allowed(self, url: str) -> bool:
        return self.parser.can_fetch(self.user_agent, url)


def crawl_delay(robots: bytes, user_agent: str) -> float:
    """The Crawl-delay (seconds) robots.txt sets for ``user_agent``, 0.0 if none; fractions allowed.

    urllib.robotparser only reads whole seconds, so this reads the groups itself: the group
    naming the agent's product token wins over ``*``. Values over an hour are capped at an
    hour, so that a hostile file cannot stall a crawl for ever.
    """
    token = user_agent.split("/", 1)[0].strip().lower()
    agents: list[str] = []
    in_rules = False
    specific = default = None
    for raw in robots.decode("utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:  # a user-agent line after rules starts a new group
                agents, in_rules = [], False
            agents.append(value.lower())
            continue
        in_rules = True
        if key != "crawl-delay":
            continue
        try:
            delay = float(value)
        except ValueError:
            continue
        if delay != delay or delay < 0:  # NaN or negative
            continue
        if any(agent not in ("", "*") and agent in token for agent in agents) and specific is None:
            specific = delay
        elif "*" in agents and default is None:
            default = delay
    delay = specific if specific is not None else default
    return min(delay, 3600.0) if delay else 0.0


class RobotsCache:
    """Fetches and keeps robots.txt per origin (``scheme://host[:port]``).

    Status rules: 2xx -> parsed; 4xx -> everything allowed (there is no robots.txt);
    5xx or a network error -> everything disallowed (the host may be struggling: stay away).
    ``before_fetch(origin)`` runs before each robots.txt request, so the caller's per-host
    rate limit covers it too.
    """

    def __init__(
        self,
        client: httpx.Client,
        user_agent: str,
        before_fetch: Callable[[str], None] | None = None,
    ):
        self._client = client
        self._user_agent = user_agent
        self._before_fetch = before_fetch
        self._rules: dict[str, HostRules] = {}

    def rules(self, origin: str) -> HostRules:
        """The rules for ``origin``, fetching its robots.txt on first use."""
        rules = self._rules.get(origin)
        if rules is None:
            rules = self._rules[origin] = self._fetch(origin)
        return rules

    def _fetch(self, origin: str) -> HostRules:
        parser = RobotFileParser(origin + "/robots.txt")
        if self._before_fetch is not None:
            self._before_fetch(origin)
        try:
            with self._client.stream(
                "GET",
                origin + "/robots.txt",
                headers={"User-Agent": self._user_agent},
                follow_redirects=True,  # RFC 9309: follow at least five redirects
            ) as response:
                status = response.status_code
                body = b""
                if 200 <= status < 300:
                    parts: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        parts.append(chunk)
                        size += len(chunk)
                        if size >= MAX_ROBOTS_BYTES:
                            break
                    body = b"".join(parts)[:MAX_ROBOTS_BYTES]
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            log.info(
                "robots.txt of %s unreachable (%s): host treated as disallowed", origin, type(exc).__name__
            )
            parser.disallow_all = True
            return HostRules(parser, self._user_agent)
        if 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
            parser.modified()  # can_fetch() refuses everything until the rules are marked as read
        elif 400 <= status < 500:
            parser.allow_all = True
        else:
            parser.disallow_all = True
        return HostRules(
            parser, self._user_agent, crawl_delay(body, self._user_agent) if 200 <= status < 300 else 0.0
        )
