from sesguard.cli import console_main

console_main()
