"""`python -m jobs`: run the scheduler process (never inside web workers)."""
from jobs.scheduler import main

if __name__ == "__main__":
    main()
