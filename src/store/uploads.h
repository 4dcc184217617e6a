/*
 * uploads.h: files that citizens send with tips, on disk under DATA_DIR/uploads/ — outside the web
 * app (which is embedded in the binary) and never served by path: only GET /api/v1/tips/{id}/files/
 * {file} reads them, for authorised officers. A file's name is the SHA-256 of its (already stripped)
 * content: DATA_DIR/uploads/ab/cdef… for "abcdef…", so the same content is stored once. Directories are
 * 0700, files 0600; a file is written to a temporary name, synced, then renamed, so a reader never sees
 * half of one. The database rows (tip_files) are store/tips.h's.
 */
#ifndef TIENGMO_STORE_UPLOADS_H
#define TIENGMO_STORE_UPLOADS_H
#include <stdbool.h>
#include <stddef.h>

/* The SHA-256 hex of a stored file's content is exactly 64 lowercase hex digits. */
bool uploads_name_valid(const char *sha256);
/* Stores data under its SHA-256 (sha256, 64 hex digits, computed by the caller). *created tells
 * whether this call made the file (false when the same content was already there). Returns 0, or -1
 * when the disk refused (nothing half-written is left). */
int uploads_write(const char *sha256, const void *data, size_t len, bool *created);
/* Removes a stored file (after a failed transaction, for files this request created). 0 or -1. */
int uploads_remove(const char *sha256);
/* Reads a stored file of at most max bytes into *out (malloc'd; the caller frees) and *len. Returns 0,
 * -1 when it is missing or unreadable, -2 when larger than max. */
int uploads_read(const char *sha256, size_t max, char **out, size_t *len);

#endif
