/* audit.c: placeholder until implemented. */
#include "api/api.h"
int api_audit_list(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
