/* audit.c: placeholder until implemented. */
#include "store/audit.h"
int audit_append(struct store *db, const struct audit_entry *e)
{
	(void)db;
	(void)e;
	return STORE_E_DB;
}
int audit_verify(struct store *db, int64_t *count, int64_t *bad_seq, char *why, size_t whylen)
{
	(void)db;
	(void)count;
	(void)bad_seq;
	(void)why;
	(void)whylen;
	return -1;
}
