status: install               ## which of your exercises pass, lesson by lesson
	$(PY) -m checks status

test: install                 ## is the course working here? every lesson's checks, on fresh copies
	$(PY) -m checks status checks/fresh

reset: install                ## a fresh copy of one lesson (yours is backed up): make reset LESSON=03
	@if [ -z "$(LESSON)" ]; then echo "Say which lesson: make reset LESSON=03"; exit 2; fi
	$(PY) -m checks reset $(LESSON)

clean:                        ## remove the virtual environment
	rm -rf $(VENV)
