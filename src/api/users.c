/* users.c: placeholder until implemented. */
#include "api/api.h"
int api_users_list(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_users_create(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_users_get(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_users_update(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_users_password(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_users_grant(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_users_revoke(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
