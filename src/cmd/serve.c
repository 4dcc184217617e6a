/*
 * serve.c (command): `tiengmo serve` opens and migrates the database, then serves HTTP until
 * SIGTERM/SIGINT.
 */
#include <stdio.h>

#include "cmd/cmd.h"
#include "http/http.h"
#include "lib/log.h"

int cmd_serve(int argc, char **argv)
{
	int first;
	int rc = cmd_parse(argc, argv, "usage: tiengmo serve [flags]\n\nServes the web app and the API.",
			   NULL, NULL, NULL, &first);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (first < argc) {
		cmd_error("serve takes no arguments; see 'tiengmo serve --help'");
		return 2;
	}
	struct store *db;
	if (cmd_open(&db, true) != 0)
		return 1;
	store_close(db);
	store_set_default_url(cmd_config.db_url);
	struct http_options opt = {
	    .listen = cmd_config.listen,
	    .threads = cmd_config.threads,
	    .secure_cookies = cmd_config.secure_cookies,
	    .trusted_proxies = cmd_config.trusted_proxies,
	};
	return http_serve(&opt) == 0 ? 0 : 1;
}
