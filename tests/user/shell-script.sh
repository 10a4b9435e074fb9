# Run by busybox sh and bash, natively and under tern-x86_64, by
# run-user.sh: pipes, subshells, command substitution, traps (a signal
# sent to the shell itself and to a background job), background jobs
# and wait, here-documents, arithmetic.
echo a b c | tr ' ' '\n' | sort -r | head -2
( echo sub; exit 3 ); echo "subshell st=$?"
x=$(echo cmd | sed 's/c/C/'); echo "$x"
trap 'echo got INT' INT
kill -INT $$
echo after-int
trap 'echo got USR1' USR1
( sleep 0.1; kill -USR1 $$ ) &
wait
sleep 5 &
pid=$!
kill $pid
wait $pid; echo "killed job st=$?"
false &
wait $!; echo "false job st=$?"
for i in 1 2 3; do echo $((i * i)); done | while read v; do echo "sq $v"; done
cat <<END
here $((6 * 7))
END
i=0; while [ $i -lt 200 ]; do i=$((i + 1)); done; echo "loop $i"
# set last: a background subshell may run an inherited EXIT trap or not
trap 'echo exit trap' EXIT
