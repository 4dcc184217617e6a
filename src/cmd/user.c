/*
 * user.c (command): `tiengmo user add|list|passwd|disable|totp-reset` — accounts from the shell and from
 * scripts, for the first admin of a fresh install and for the days when nobody can log in. Passwords come
 * from standard input only (--password-stdin), never from a flag that `ps` would show. Every change is
 * audited with actor "cli". Not for grants beyond the first one (the API does those).
 *
 * Exit status: 0 done, 1 a failure (unknown unit or user, taken username, database), 2 a usage error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "http/http.h"
#include "store/audit.h"
#include "store/organisations.h"
#include "store/people.h"
#include "store/users.h"

struct user_args {
	const char *username;
	const char *role;
	const char *unit;
	const char *display_name;
	const char *person;	  /* --person ID: the People register's person this account is */
	const char *organisation; /* --organisation ID: the organisation a coordinator speaks for */
	int64_t person_id, organisation_id;
	bool password_stdin;
};

static int on_opt(const char *name, const char *value, void *ctx)
{
	struct user_args *a = ctx;
	if (strcmp(name, "username") == 0)
		a->username = value;
	else if (strcmp(name, "role") == 0)
		a->role = value;
	else if (strcmp(name, "unit") == 0)
		a->unit = value;
	else if (strcmp(name, "display-name") == 0)
		a->display_name = value;
	else if (strcmp(name, "person") == 0)
		a->person = value;
	else if (strcmp(name, "organisation") == 0)
		a->organisation = value;
	else if (strcmp(name, "password-stdin") == 0)
		a->password_stdin = true;
	return 0;
}

static void usage_all(FILE *f)
{
	fprintf(f,
		"usage: tiengmo user add|list|passwd|disable|totp-reset [flags]\n\n"
		"  add       create an account: --username U --role ROLE [--unit CODE] [--display-name N] "
		"[--person ID] [--organisation ID] --password-stdin\n"
		"  list      list every account with its roles\n"
		"  passwd    set a password: --username U --password-stdin (ends the user's sessions)\n"
		"  disable   disable an account: --username U (ends the user's sessions)\n"
		"  totp-reset  turn off the second factor of someone who lost their phone: --username U\n\n"
		"`tiengmo user COMMAND --help` shows a command's flags.\n");
}

/* Reads one line (the password) from stdin without its line ending. Returns 0, or -1 with a message. */
static int read_password(char *out, size_t outlen)
{
	if (!fgets(out, (int)outlen, stdin)) {
		cmd_error("no password on standard input");
		return -1;
	}
	size_t n = strlen(out);
	if (n == outlen - 1 && out[n - 1] != '\n') {
		cmd_error("the password on standard input is too long");
		return -1;
	}
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	const char *why = users_password_problem(out);
	if (why) {
		cmd_error("the password %s", why);
		return -1;
	}
	return 0;
}

static int audit_cli(struct store *db, int64_t user_id, const char *action, const char *detail)
{
	char id[24];
	snprintf(id, sizeof id, "%" PRId64, user_id);
	struct audit_entry e = {
	    .user_id = 0,
	    .actor = "cli",
	    .address = "",
	    .action = action,
	    .entity = "user",
	    .entity_id = id,
	    .detail = detail,
	};
	return audit_append(db, &e);
}

static int user_add(struct store *db, struct arena *ar, const struct user_args *a)
{
	char pw[1100], hash[160], detail[256];
	int64_t unit_id = 0, uid = 0, gid = 0;
	const char *path = NULL;
	int role = perm_role_parse(a->role);
	int rc = 1;

	int found = a->unit ? users_unit_by_code(db, ar, a->unit, &unit_id, &path) : STORE_DONE;
	if (found < 0) {
		cmd_error("cannot read units: %s", store_errmsg(db));
		return 1;
	}
	if (a->unit && found == STORE_DONE) {
		cmd_error("no unit has the code '%s'", a->unit);
		return 1;
	}
	if (a->person_id) {
		struct person_row p;
		found = people_get(db, ar, a->person_id, &p);
		if (found != STORE_ROW) {
			cmd_error(found < 0 ? "cannot read people: %s" : "no person has the id %s",
				  found < 0 ? store_errmsg(db) : a->person);
			return 1;
		}
	}
	if (a->organisation_id) {
		struct org_row o;
		found = orgs_get(db, ar, a->organisation_id, &o);
		if (found != STORE_ROW) {
			cmd_error(found < 0 ? "cannot read organisations: %s"
					    : "no organisation has the id %s",
				  found < 0 ? store_errmsg(db) : a->organisation);
			return 1;
		}
	}
	if (read_password(pw, sizeof pw) != 0)
		return 1;
	if (crypto_password_hash(pw, hash, sizeof hash) != 0) {
		cmd_error("cannot hash the password: out of memory");
		goto out;
	}
	if (store_begin(db) != STORE_OK) {
		cmd_error("cannot start a transaction: %s", store_errmsg(db));
		goto out;
	}
	int64_t now = time_now();
	int src = users_insert(db, a->username, a->display_name ? a->display_name : "", hash, now, &uid);
	if (src == STORE_E_UNIQUE) {
		store_rollback(db);
		cmd_error("username '%s' is taken", a->username);
		goto out;
	}
	if (src == STORE_OK && (a->person_id || a->organisation_id)) {
		int lrc = users_set_links(db, uid, a->person_id, a->organisation_id, now);
		if (lrc == STORE_E_UNIQUE) {
			store_rollback(db);
			cmd_error("person %s is already linked to another account", a->person);
			goto out;
		}
		if (lrc != STORE_OK)
			src = lrc;
	}
	char unit[24] = "null", links[96] = "";
	if (unit_id)
		snprintf(unit, sizeof unit, "%" PRId64, unit_id);
	if (a->person_id || a->organisation_id)
		snprintf(links, sizeof links, ",\"person_id\":%" PRId64 ",\"organisation_id\":%" PRId64,
			 a->person_id, a->organisation_id);
	snprintf(detail, sizeof detail, "{\"username\":\"%s\",\"role\":\"%s\",\"unit_id\":%s%s}", a->username,
		 perm_role_names[role], unit, links);
	if (src != STORE_OK || grants_insert(db, uid, (enum role)role, unit_id, 0, now, &gid) != STORE_OK ||
	    audit_cli(db, uid, "user.create", detail) != STORE_OK || store_commit(db) != STORE_OK) {
		cmd_error("cannot create user '%s': %s", a->username, store_errmsg(db));
		store_rollback(db);
		goto out;
	}
	printf("created user '%s' (id %" PRId64 ") as %s %s%s\n", a->username, uid, perm_role_names[role],
	       a->unit ? "of unit " : "of the whole installation", a->unit ? a->unit : "");
	rc = 0;
out:
	crypto_random(pw, sizeof pw); /* overwrite the password */
	return rc;
}

static int user_list(struct store *db, struct arena *ar)
{
	int64_t ids[100], after = 0;
	int n;
	printf("%-6s %-24s %-8s %-5s %-28s %s\n", "ID", "USERNAME", "STATE", "TOTP", "DISPLAY NAME", "ROLES");
	do {
		if (users_ids_all(db, after, 100, ids, &n) != STORE_OK) {
			cmd_error("cannot list users: %s", store_errmsg(db));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct user_row u;
			struct grant_row *g;
			int ng;
			if (users_get(db, ar, ids[i], &u) != STORE_ROW ||
			    users_grant_rows(db, ar, ids[i], &g, &ng) != STORE_OK) {
				cmd_error("cannot read user %" PRId64 ": %s", ids[i], store_errmsg(db));
				return 1;
			}
			printf("%-6" PRId64 " %-24s %-8s %-5s %-28s ", u.id, u.username,
			       u.disabled ? "disabled" : "active", u.totp_enabled ? "on" : "off",
			       u.display_name && *u.display_name ? u.display_name : "-");
			for (int k = 0; k < ng; k++)
				printf("%s%s@%s", k ? ", " : "", perm_role_names[g[k].role],
				       g[k].unit_id ? (g[k].unit_code ? g[k].unit_code : "?") : "*");
			printf("%s\n", ng ? "" : "-");
			after = ids[i];
		}
		arena_release(ar);
	} while (n == 100);
	return 0;
}

/* Finds the user named in --username; 0 and *u, or 1 after printing why. */
static int find_user(struct store *db, struct arena *ar, const char *username, struct user_row *u)
{
	int rc = users_get_by_name(db, ar, username, u);
	if (rc == STORE_ROW)
		return 0;
	if (rc == STORE_DONE)
		cmd_error("no user is named '%s'", username);
	else
		cmd_error("cannot read users: %s", store_errmsg(db));
	return 1;
}

static int user_passwd(struct store *db, struct arena *ar, const struct user_args *a)
{
	char pw[1100], hash[160];
	struct user_row u;
	int rc = 1;
	if (find_user(db, ar, a->username, &u) != 0)
		return 1;
	if (read_password(pw, sizeof pw) != 0)
		goto out;
	if (crypto_password_hash(pw, hash, sizeof hash) != 0) {
		cmd_error("cannot hash the password: out of memory");
		goto out;
	}
	if (store_begin(db) != STORE_OK || users_set_password(db, u.id, hash, time_now()) != STORE_OK ||
	    sessions_delete_user(db, u.id) != STORE_OK ||
	    audit_cli(db, u.id, "user.password", "{\"reset\":true}") != STORE_OK ||
	    store_commit(db) != STORE_OK) {
		cmd_error("cannot set the password of '%s': %s", a->username, store_errmsg(db));
		store_rollback(db);
		goto out;
	}
	printf("password of '%s' set; their sessions have ended\n", a->username);
	rc = 0;
out:
	crypto_random(pw, sizeof pw);
	return rc;
}

static int user_disable(struct store *db, struct arena *ar, const struct user_args *a)
{
	struct user_row u;
	if (find_user(db, ar, a->username, &u) != 0)
		return 1;
	if (u.disabled) {
		printf("user '%s' is already disabled\n", a->username);
		return 0;
	}
	if (store_begin(db) != STORE_OK || users_update(db, u.id, NULL, 1, time_now()) != STORE_OK ||
	    sessions_delete_user(db, u.id) != STORE_OK ||
	    audit_cli(db, u.id, "user.disable", "{\"display_name\":null,\"disabled\":true}") != STORE_OK ||
	    store_commit(db) != STORE_OK) {
		cmd_error("cannot disable '%s': %s", a->username, store_errmsg(db));
		store_rollback(db);
		return 1;
	}
	printf("user '%s' disabled; their sessions have ended\n", a->username);
	return 0;
}

/* For an officer who lost the phone with their authenticator: the second factor is turned off (they
 * enrol again after logging in) and their sessions end. Only from the shell, where the installation's
 * administrator already is. */
static int user_totp_reset(struct store *db, struct arena *ar, const struct user_args *a)
{
	struct user_row u;
	if (find_user(db, ar, a->username, &u) != 0)
		return 1;
	if (!u.totp_enabled && !u.totp_secret) {
		printf("user '%s' has no second factor to reset\n", a->username);
		return 0;
	}
	if (store_begin(db) != STORE_OK || users_set_totp(db, u.id, NULL, false, time_now()) != STORE_OK ||
	    sessions_delete_user(db, u.id) != STORE_OK ||
	    audit_cli(db, u.id, "totp.reset", "{}") != STORE_OK || store_commit(db) != STORE_OK) {
		cmd_error("cannot reset the second factor of '%s': %s", a->username, store_errmsg(db));
		store_rollback(db);
		return 1;
	}
	printf(
	    "user '%s' logs in with the password alone until they enrol again; their sessions have ended\n",
	    a->username);
	return 0;
}

static const struct cmd_opt add_opts[] = {
    {"username", required_argument, "the login name: 3-64 of a-z 0-9 . _ -"},
    {"role", required_argument, "admin, officer, coordinator, team_leader, member or viewer"},
    {"unit", required_argument,
     "the code of the unit the role is on (an admin without it holds the whole installation)"},
    {"display-name", required_argument, "the name shown in the app"},
    {"person", required_argument, "the id of the person (People register) this account is: a team member"},
    {"organisation", required_argument, "the id of the organisation a coordinator speaks for"},
    {"password-stdin", no_argument, "read the password from the first line of standard input (required)"},
    {NULL, 0, NULL},
};
static const struct cmd_opt passwd_opts[] = {
    {"username", required_argument, "whose password to set"},
    {"password-stdin", no_argument, "read the password from the first line of standard input (required)"},
    {NULL, 0, NULL},
};
static const struct cmd_opt name_opts[] = {
    {"username", required_argument, "the account"},
    {NULL, 0, NULL},
};

static const struct subcommand {
	const char *name;
	const char *usage;
	const struct cmd_opt *opts;
} subcommands[] = {
    {"add",
     "usage: tiengmo user add --username U --role ROLE [--unit CODE] [--display-name N] [--person ID]\n"
     "                        [--organisation ID] --password-stdin\n\n"
     "Creates an account with one role. Every role but admin needs --unit; an admin without --unit\n"
     "administers the whole installation. --person links the account to a person of the People\n"
     "register (one account per person); --organisation to the organisation a coordinator speaks for.",
     add_opts},
    {"list",
     "usage: tiengmo user list\n\nLists every account, its state and its roles (role@unit code, * for the "
     "installation).",
     NULL},
    {"passwd",
     "usage: tiengmo user passwd --username U --password-stdin\n\nSets a password and ends the user's "
     "sessions.",
     passwd_opts},
    {"disable", "usage: tiengmo user disable --username U\n\nDisables an account and ends its sessions.",
     name_opts},
    {"totp-reset",
     "usage: tiengmo user totp-reset --username U\n\nTurns off the second factor (TOTP) of an account whose "
     "phone was lost, and ends its sessions; the user enrols again after logging in.",
     name_opts},
};

/* Checks the flags a subcommand needs; returns 0, or 2 after printing the usage error. */
static int check_usage(const char *sub, struct user_args *a)
{
	const char *why;
	if (strcmp(sub, "list") == 0)
		return 0;
	if (!a->username) {
		cmd_error("'user %s' needs --username; see 'tiengmo user %s --help'", sub, sub);
		return 2;
	}
	if ((why = users_username_problem(a->username))) {
		cmd_error("username '%s' %s", a->username, why);
		return 2;
	}
	if ((strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) && !a->password_stdin) {
		cmd_error("'user %s' needs --password-stdin (the password is read from standard input)", sub);
		return 2;
	}
	if (strcmp(sub, "add") != 0)
		return 0;
	if (a->display_name && strlen(a->display_name) > 200) {
		cmd_error("--display-name is too long (at most 200 bytes)");
		return 2;
	}
	if (a->person && http_parse_id(a->person, &a->person_id) != 0) {
		cmd_error("--person '%s' is not an id", a->person);
		return 2;
	}
	if (a->organisation && http_parse_id(a->organisation, &a->organisation_id) != 0) {
		cmd_error("--organisation '%s' is not an id", a->organisation);
		return 2;
	}
	if (!a->role) {
		cmd_error("'user add' needs --role; see 'tiengmo user add --help'");
		return 2;
	}
	if (perm_role_parse(a->role) < 0) {
		cmd_error(
		    "'%s' is not a role: use admin, officer, coordinator, team_leader, member or viewer",
		    a->role);
		return 2;
	}
	if (!a->unit && perm_role_parse(a->role) != ROLE_ADMIN) {
		cmd_error("role '%s' needs --unit CODE (only an admin may hold the whole installation)",
			  a->role);
		return 2;
	}
	return 0;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage_all(stdout);
		return 0;
	}
	const struct subcommand *sc = NULL;
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			sc = &subcommands[i];
	if (!sc) {
		cmd_error("'%s' is not a user command: use add, list, passwd, disable or totp-reset",
			  argv[1]);
		return 2;
	}

	char name[32];
	char *sub_argv[64];
	if (argc > 63) {
		cmd_error("too many arguments; see 'tiengmo user --help'");
		return 2;
	}
	snprintf(name, sizeof name, "user %s", sc->name);
	sub_argv[0] = name;
	for (int i = 2; i < argc; i++)
		sub_argv[i - 1] = argv[i];
	sub_argv[argc - 1] = NULL;
	struct user_args a = {0};
	int first;
	int rc = cmd_parse(argc - 1, sub_argv, sc->usage, sc->opts, on_opt, &a, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc - 1) {
		cmd_error("'%s' is not a flag of '%s'; see 'tiengmo %s --help'", sub_argv[first], name, name);
		return 2;
	}
	if ((rc = check_usage(sc->name, &a)) != 0)
		return rc;

	struct store *db;
	if (cmd_open(&db, true) != 0)
		return 1;
	struct arena ar;
	arena_init(&ar, 64u << 20);
	if (strcmp(sc->name, "add") == 0)
		rc = user_add(db, &ar, &a);
	else if (strcmp(sc->name, "list") == 0)
		rc = user_list(db, &ar);
	else if (strcmp(sc->name, "passwd") == 0)
		rc = user_passwd(db, &ar, &a);
	else if (strcmp(sc->name, "totp-reset") == 0)
		rc = user_totp_reset(db, &ar, &a);
	else
		rc = user_disable(db, &ar, &a);
	arena_release(&ar);
	store_close(db);
	return rc;
}
