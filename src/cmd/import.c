/* import.c (command): placeholder until implemented. */
#include "cmd/cmd.h"
int cmd_import(int argc, char **argv)
{
	(void)argc;
	cmd_error("%s is not implemented yet", argv[0]);
	return 1;
}
