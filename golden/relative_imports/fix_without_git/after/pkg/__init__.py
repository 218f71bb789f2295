from pkg.mod import f
