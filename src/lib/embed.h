/*
 * embed.h: files compiled into the binary by tools/embed.c (migrations, later web assets).
 * Each array ends with an entry whose name is NULL. The data is NUL-terminated after `len` bytes.
 */
#ifndef TIENGMO_EMBED_H
#define TIENGMO_EMBED_H
#include <stddef.h>

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* Every migration, named "sqlite/NNNN_name.sql" or "pg/NNNN_name.sql". */
extern const struct embed_file embed_migrations[];
/* The web app (web/build.mjs): "index.html", "assets/app-HASH.js", …, each with a gzip copy "NAME.gz". */
extern const struct embed_file embed_web[];

#endif
