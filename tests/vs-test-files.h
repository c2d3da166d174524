/* vs-test-files.h: what the tests need of the file system and not of Versus */
#pragma once

/* Removes a folder a test made and everything in it (a symbolic link, not what it names). */
void vs_test_remove_tree (const char *path);
