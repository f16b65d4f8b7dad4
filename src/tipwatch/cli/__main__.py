from tipwatch.cli import main

main()
