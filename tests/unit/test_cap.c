/*
 * test_cap.c: the CAP 1.2 writer (src/export/cap.c). Every document written here is parsed back with
 * libxml2 and validated against the OASIS schema (cap12.xsd, found through $CAP_XSD, which
 * tests/unit/meson.build points at ../shared/standards/cap-1.2/ beside the repository): a public
 * warning with a circle, a restricted alarm, a cancel with references, text that needs escaping or
 * holds characters XML cannot carry. The Atom feed is checked for well-formedness and its links.
 */
#include "unit.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "export/cap.h"

static xmlSchemaPtr schema;

static int setup(void **state)
{
	(void)state;
	const char *xsd = getenv("CAP_XSD");
	if (!xsd || !*xsd)
		xsd = "../shared/standards/cap-1.2/cap12.xsd";
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
	if (!pc)
		return -1;
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema)
		fprintf(stderr, "cannot load the CAP schema '%s'\n", xsd);
	return schema ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	xmlSchemaFree(schema);
	return 0;
}

/* Parses and validates doc; returns the parsed document (caller frees). */
static xmlDocPtr validate(const struct buf *b)
{
	xmlDocPtr doc = xmlReadMemory(buf_str(b), (int)b->len, "cap.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	assert_non_null(vc);
	int rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (rc != 0)
		fprintf(stderr, "not valid CAP 1.2:\n%s\n", buf_str(b));
	assert_int_equal(rc, 0);
	return doc;
}

static void public_warning_with_a_circle_validates(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 64 * 1024);
	struct cap_alert a = {
	    .identifier = "tiengmo-warning-7",
	    .sender = "tiengmo.example.vn",
	    .sent = 1767225600, /* 2026-01-01T07:00:00+07:00 */
	    .status = "Actual",
	    .msg_type = "Alert",
	    .info =
		{
		    .category = cap_warning_category("storm"),
		    .event = cap_warning_event("storm"),
		    .response_type = "Prepare",
		    .urgency = "Expected",
		    .severity = cap_severity("severe"),
		    .certainty = "Likely",
		    .effective = 1767225600,
		    .expires = 1767312000,
		    .sender_name = "Công an phường Vĩnh Điện",
		    .headline = "Bão số 5 <đổ bộ> & gió giật cấp 12",
		    .description = "Mưa lớn\x01 từ đêm nay.",
		    .instruction = "Chằng chống nhà cửa.",
		    .web = "http://127.0.0.1:8080/canh-bao/7",
		    .area_desc = "Khối phố 1",
		    .has_point = true,
		    .lat = 15.891,
		    .lng = 108.249,
		    .radius_km = 2.5,
		},
	};
	assert_int_equal(cap_write_alert(&a, &b), 0);
	const char *s = buf_str(&b);
	assert_non_null(strstr(s, "<sent>2026-01-01T07:00:00+07:00</sent>"));
	assert_null(strstr(s, "Z</sent>"));
	assert_non_null(strstr(s, "<scope>Public</scope>"));
	assert_null(strstr(s, "<restriction>"));
	assert_non_null(strstr(s, "<language>vi-VN</language>"));
	assert_non_null(strstr(s, "<category>Met</category>"));
	assert_non_null(strstr(s, "<circle>15.891000,108.249000 2.500</circle>"));
	assert_non_null(strstr(s, "&lt;đổ bộ&gt; &amp; gió"));
	assert_non_null(strstr(s, "<description>Mưa lớn từ đêm nay.</description>"));
	xmlFreeDoc(validate(&b));
	buf_release(&b);
}

static void restricted_alarm_and_cancel_validate(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 64 * 1024);
	struct cap_alert a = {
	    .identifier = "tiengmo-alarm-3",
	    .sender = "tiengmo.example.vn",
	    .sent = 1767225600,
	    .msg_type = "Alert",
	    .restricted = true,
	    .restriction = "Lực lượng bảo vệ an ninh, trật tự và đối tác có mã truy cập",
	    .info = {.category = cap_alarm_category("fire"),
		     .event = cap_alarm_event("fire"),
		     .urgency = "Immediate",
		     .severity = "Severe",
		     .certainty = "Observed",
		     .area_desc = "Tổ dân phố 3"},
	};
	assert_int_equal(cap_write_alert(&a, &b), 0);
	assert_non_null(strstr(buf_str(&b), "<scope>Restricted</scope>"));
	assert_non_null(strstr(buf_str(&b), "<restriction>Lực lượng"));
	assert_non_null(strstr(buf_str(&b), "<category>Fire</category>"));
	assert_null(strstr(buf_str(&b), "<circle>"));
	xmlFreeDoc(validate(&b));

	a.restricted = false;
	a.identifier = "tiengmo-warning-7-cancel";
	a.msg_type = "Cancel";
	a.references = "tiengmo.example.vn,tiengmo-warning-7,2026-01-01T07:00:00+07:00";
	a.note = "Đã hủy cảnh báo";
	a.info.category = cap_warning_category("no-such-kind");
	assert_int_equal(cap_write_alert(&a, &b), 0);
	assert_non_null(strstr(buf_str(&b), "<msgType>Cancel</msgType>"));
	assert_non_null(strstr(buf_str(&b), "<category>Other</category>"));
	xmlFreeDoc(validate(&b));
	buf_release(&b);
}

static void a_full_buffer_fails(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 64);
	struct cap_alert a = {.identifier = "x", .sender = "y", .sent = 1};
	assert_int_equal(cap_write_alert(&a, &b), -1);
	buf_release(&b);
}

static void atom_feed_links_each_alert(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 64 * 1024);
	struct cap_feed f = {.id = "http://h/cap/alerts.atom",
			     .title = "Cảnh báo công khai",
			     .self = "http://h/cap/alerts.atom",
			     .updated = 1767225600};
	struct cap_entry e[2] = {
	    {.id = "urn:tiengmo:warning-1",
	     .title = "Bão & lũ",
	     .link = "http://h/cap/alerts/warning-1.xml",
	     .updated = 1767225600},
	    {.id = "urn:tiengmo:warning-2",
	     .title = "Lừa đảo",
	     .summary = "Cẩn thận <3",
	     .link = "http://h/cap/alerts/warning-2.xml",
	     .updated = 1767225601},
	};
	assert_int_equal(cap_write_feed(&f, e, 2, &b), 0);
	xmlDocPtr doc = xmlReadMemory(buf_str(&b), (int)b.len, "feed.atom", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "feed");
	assert_string_equal((const char *)root->ns->href, "http://www.w3.org/2005/Atom");
	int entries = 0;
	for (xmlNodePtr n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "entry") == 0)
			entries++;
	assert_int_equal(entries, 2);
	assert_non_null(strstr(buf_str(&b), "href=\"http://h/cap/alerts/warning-2.xml\""));
	assert_non_null(strstr(buf_str(&b), "<updated>2026-01-01T07:00:01+07:00</updated>"));
	xmlFreeDoc(doc);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(public_warning_with_a_circle_validates),
	    cmocka_unit_test(restricted_alarm_and_cancel_validate),
	    cmocka_unit_test(a_full_buffer_fails),
	    cmocka_unit_test(atom_feed_links_each_alert),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
