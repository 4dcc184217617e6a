/* backup.c (command): placeholder until implemented. */
#include "cmd/cmd.h"
int cmd_backup(int argc, char **argv)
{
	(void)argc;
	cmd_error("%s is not implemented yet", argv[0]);
	return 1;
}
int cmd_restore(int argc, char **argv)
{
	(void)argc;
	cmd_error("%s is not implemented yet", argv[0]);
	return 1;
}
