"""Where a production service may post webhooks: public hosts only, checked again at send time."""

from __future__ import annotations

import pytest

from services.reminders.addresses import refusal, resolved_refusal


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.mfa.gov.ua/cartagena",
        "http://93.184.215.14/hook",
        "https://[2606:4700:4700::1111]/hook",
        "https://xn--mxahbxey0c.xn--qxam/hook",
    ],
)
def test_public_hosts_are_allowed(url: str) -> None:
    assert refusal(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.8.9.10/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://100.100.100.200/",  # Alibaba Cloud metadata
        "http://169.254.169.254/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://printer.local/",
        "http://db.internal/",
        "http://metadata/",
        "http://metadata.google.internal/",
        "http://2130706433/",
        "http://017700000001/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://intranet/",
    ],
)
def test_this_host_private_networks_and_metadata_are_refused(url: str) -> None:
    assert refusal(url) is not None


def test_a_public_name_that_resolves_privately_is_refused_at_send_time() -> None:
    url = "https://hooks.example.org/x"
    assert resolved_refusal(url, lambda host, port: ["93.184.215.14"]) is None
    reason = resolved_refusal(url, lambda host, port: ["93.184.215.14", "10.1.1.1"])
    assert reason == "hooks.example.org resolves to 10.1.1.1, which is not a public address"


def test_a_name_that_does_not_resolve_is_refused() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    assert resolved_refusal("https://hooks.example.org/x", fail) is not None
