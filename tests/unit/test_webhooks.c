/*
 * test_webhooks.c: the rules of http/webhooks.h that the API and the worker share — which URLs and
 * event lists a webhook may have, which events match a list, and the signature header (HMAC-SHA256
 * of the body under the secret, checked against RFC 4231's first test case and a known value).
 */
#include "unit.h"

#include "http/webhooks.h"
#include "lib/crypto.h"

static void urls_must_be_absolute_https_unless_allowed(void **state)
{
	(void)state;
	webhooks_allow_http = false;
	assert_null(webhooks_url_problem("https://sms.example.vn/hook?x=1"));
	assert_non_null(webhooks_url_problem("http://10.0.0.5/siren"));
	assert_non_null(webhooks_url_problem("ftp://example.org/x"));
	assert_non_null(webhooks_url_problem("/relative"));
	assert_non_null(webhooks_url_problem("https://user:pw@example.org/"));
	assert_non_null(webhooks_url_problem("https://example.org/a b"));
	assert_non_null(webhooks_url_problem(""));
	webhooks_allow_http = true;
	assert_null(webhooks_url_problem("http://10.0.0.5/siren"));
	assert_non_null(webhooks_url_problem("gopher://example.org/"));
	webhooks_allow_http = false;
}

static void patterns_are_alarm_or_warning_events(void **state)
{
	(void)state;
	assert_true(webhooks_pattern_valid("alarm.*"));
	assert_true(webhooks_pattern_valid("warning.*"));
	assert_true(webhooks_pattern_valid("alarm.raised"));
	assert_false(webhooks_pattern_valid("alarm."));
	assert_false(webhooks_pattern_valid("tip.created"));
	assert_false(webhooks_pattern_valid("*"));
	assert_false(webhooks_pattern_valid("alarm.Raised"));
	assert_false(webhooks_pattern_valid("alarm.raised,tip.created"));
	assert_false(webhooks_pattern_valid(NULL));
}

static void events_match_names_and_prefixes(void **state)
{
	(void)state;
	assert_true(webhooks_match("alarm.*", "alarm.raised"));
	assert_false(webhooks_match("alarm.*", "alarmist.raised"));
	assert_false(webhooks_match("alarm.*", "warning.issued"));
	assert_true(webhooks_match("alarm.raised,warning.issued", "warning.issued"));
	assert_false(webhooks_match("alarm.raised,warning.issued", "alarm.resolved"));
	assert_false(webhooks_match("alarm.raised", "alarm.raise"));
	assert_false(webhooks_match("", "alarm.raised"));
}

static void signature_is_hmac_sha256_hex(void **state)
{
	(void)state;
	char sig[96];
	/* RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?" */
	webhooks_sign("Jefe", "what do ya want for nothing?", 28, sig, sizeof sig);
	assert_string_equal(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	char other[96];
	webhooks_sign("Jeff", "what do ya want for nothing?", 28, other, sizeof other);
	assert_string_not_equal(sig, other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(urls_must_be_absolute_https_unless_allowed),
	    cmocka_unit_test(patterns_are_alarm_or_warning_events),
	    cmocka_unit_test(events_match_names_and_prefixes),
	    cmocka_unit_test(signature_is_hmac_sha256_hex),
	};
	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
