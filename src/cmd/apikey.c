/*
 * apikey.c (command): `tiengmo apikey add|list|revoke` — the keys that Open311 clients send as
 * `api_key` to POST service requests. `add` prints the new key once on standard output (only its keyed
 * hash is stored; a lost key is revoked and replaced); `list` shows names and states, never keys;
 * `revoke` ends a key. Every change is audited with actor "cli". Admins also manage keys in the app.
 *
 * Exit status: 0 done, 1 a failure (taken or unknown name, database), 2 a usage error.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "store/apikeys.h"
#include "store/audit.h"

#define APIKEY_BYTES 32
#define APIKEY_PREFIX "tm311_"
#define APIKEY_LIST_MAX 10000

struct apikey_args {
	const char *name;
};

static int on_opt(const char *name, const char *value, void *ctx)
{
	struct apikey_args *a = ctx;
	if (strcmp(name, "name") == 0)
		a->name = value;
	return 0;
}

static void usage_all(FILE *f)
{
	fprintf(f, "usage: tiengmo apikey add|list|revoke [flags]\n\n"
		   "  add       make a new Open311 API key: --name NAME (prints the key once)\n"
		   "  list      list every key by name, with its state (never the key)\n"
		   "  revoke    revoke a key: --name NAME\n");
}

static const struct cmd_opt name_opts[] = {
    {"name", required_argument, "the key's name: who uses it (e.g. the app or partner)"},
    {NULL, 0, NULL},
};

static int audit_cli(struct store *db, const char *action, int64_t id, const char *name)
{
	char ids[24], detail[APIKEY_NAME_MAX * 6 + 32];
	struct buf b;
	snprintf(ids, sizeof ids, "%" PRId64, id);
	buf_init(&b, sizeof detail);
	buf_adds(&b, "{\"name\":\"");
	json_escape(&b, name, strlen(name));
	buf_adds(&b, "\"}");
	snprintf(detail, sizeof detail, "%s", buf_str(&b));
	buf_release(&b);
	struct audit_entry e = {.actor = "cli",
				.address = "",
				.action = action,
				.entity = "api_key",
				.entity_id = ids,
				.detail = detail};
	return audit_append(db, &e);
}

/* A new key into key (at least 64 bytes): the prefix and 32 random bytes in URL-safe base64. */
static void new_key(char *key, size_t keylen)
{
	unsigned char raw[APIKEY_BYTES];
	char b64[sodium_base64_ENCODED_LEN(APIKEY_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	crypto_random(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(key, keylen, "%s%s", APIKEY_PREFIX, b64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
}

static int do_add(struct store *db, const char *name)
{
	char key[96], hash[CRYPTO_HASH_HEX];
	int64_t id = 0;
	int rc;
	new_key(key, sizeof key);
	if (crypto_keyed_hash_hex("api_key", key, strlen(key), hash) != 0) {
		cmd_error("the key cannot be hashed (key file)");
		rc = 1;
		goto out;
	}
	rc = store_begin(db);
	if (rc == STORE_OK)
		rc = apikeys_add(db, name, hash, 0, time_now(), &id);
	if (rc == STORE_OK)
		rc = audit_cli(db, "api_key.create", id, name);
	if (rc == STORE_OK)
		rc = store_commit(db);
	else
		store_rollback(db);
	if (rc == STORE_E_UNIQUE) {
		cmd_error("an API key named '%s' exists already", name);
		rc = 1;
		goto out;
	}
	if (rc) {
		cmd_error("the key cannot be stored: %s", store_errmsg(db));
		rc = 1;
		goto out;
	}
	printf("%s\n", key);
	fprintf(stderr, "tiengmo: API key '%s' made; it is shown only this once\n", name);
	rc = 0;
out:
	sodium_memzero(key, sizeof key);
	return rc;
}

static int do_list(struct store *db)
{
	struct arena a;
	struct apikey_row *k;
	int n, rc;
	arena_init(&a, 16u << 20);
	rc = apikeys_list(db, &a, APIKEY_LIST_MAX, &k, &n);
	if (rc) {
		cmd_error("the keys cannot be read: %s", store_errmsg(db));
		arena_release(&a);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char made[40], gone[40];
		time_format_rfc3339(k[i].created_at, made, sizeof made);
		if (k[i].revoked_at)
			time_format_rfc3339(k[i].revoked_at, gone, sizeof gone);
		printf("%" PRId64 "\t%s\t%s\t%s\n", k[i].id, k[i].name, made,
		       k[i].revoked_at ? gone : "active");
	}
	arena_release(&a);
	return 0;
}

static int do_revoke(struct store *db, const char *name)
{
	int64_t id = 0;
	int rc = store_begin(db);
	if (rc == STORE_OK)
		rc = apikeys_revoke(db, 0, name, time_now(), &id);
	if (rc == STORE_OK)
		rc = audit_cli(db, "api_key.revoke", id, name);
	if (rc == STORE_OK)
		rc = store_commit(db);
	else
		store_rollback(db);
	if (rc == STORE_DONE) {
		cmd_error("no active API key named '%s'", name);
		return 1;
	}
	if (rc) {
		cmd_error("the key cannot be revoked: %s", store_errmsg(db));
		return 1;
	}
	fprintf(stderr, "tiengmo: API key '%s' revoked\n", name);
	return 0;
}

int cmd_apikey(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage_all(stdout);
		return 0;
	}
	const char *sub = argv[1];
	bool is_add = strcmp(sub, "add") == 0, is_list = strcmp(sub, "list") == 0,
	     is_revoke = strcmp(sub, "revoke") == 0;
	if (!is_add && !is_list && !is_revoke) {
		cmd_error("'%s' is not an apikey command: use add, list or revoke", sub);
		return 2;
	}
	char name[32];
	snprintf(name, sizeof name, "apikey %s", sub);
	argv[1] = name;
	struct apikey_args a = {0};
	int first;
	int rc =
	    cmd_parse(argc - 1, argv + 1,
		      is_list ? "usage: tiengmo apikey list\n\nLists every Open311 API key (never the key)."
			      : "usage: tiengmo apikey add|revoke --name NAME",
		      is_list ? NULL : name_opts, on_opt, &a, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc - 1) {
		cmd_error("'%s' is not a flag of '%s'; see 'tiengmo %s --help'", argv[1 + first], name, name);
		return 2;
	}
	if (!is_list && (!a.name || !*a.name || strlen(a.name) > APIKEY_NAME_MAX)) {
		cmd_error("'%s' needs --name NAME (at most %d bytes)", name, APIKEY_NAME_MAX);
		return 2;
	}
	struct store *db;
	if (cmd_open(&db, true) != 0)
		return 1;
	rc = is_add ? do_add(db, a.name) : is_list ? do_list(db) : do_revoke(db, a.name);
	store_close(db);
	return rc;
}
