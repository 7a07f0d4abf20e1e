from sesguard.cli import main

raise SystemExit(main())
