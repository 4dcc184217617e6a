/* session.c: placeholder until implemented. */
#include "api/api.h"
int api_session_create(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_session_delete(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_me(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_me_password(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_totp_begin(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_totp_confirm(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
int api_totp_disable(struct req *r)
{
	return http_fail(r, APP_E_INTERNAL, "not implemented yet");
}
