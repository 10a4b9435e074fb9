/* Keeps a subsystem library non-empty while its folder is being filled. */
extern int tern_empty_translation_unit;
