/* units.c: placeholder until implemented. */
#include "api/api.h"
int api_units_list(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_units_create(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_units_get(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_units_update(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_units_delete(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_units_import(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
