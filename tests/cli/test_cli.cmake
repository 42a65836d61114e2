# stepwise-run as a user runs it: help, version, lessons, golden runs, every kind of bad input.
# Each check runs the program and asserts on its exit status, stdout and stderr.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(failures 0)

function(check name expected_rc expect_out expect_err)
    execute_process(COMMAND ${RUNNER} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                    TIMEOUT 120 WORKING_DIRECTORY ${WORK})
    set(ok TRUE)
    if(NOT rc STREQUAL "${expected_rc}")
        set(ok FALSE)
        message(SEND_ERROR "[${name}] exit status ${rc}, expected ${expected_rc}\nstdout: ${out}\nstderr: ${err}")
    endif()
    if(NOT expect_out STREQUAL "" AND NOT out MATCHES "${expect_out}")
        message(SEND_ERROR "[${name}] stdout does not match '${expect_out}':\n${out}")
    endif()
    if(NOT expect_err STREQUAL "" AND NOT err MATCHES "${expect_err}")
        message(SEND_ERROR "[${name}] stderr does not match '${expect_err}':\n${err}")
    endif()
    message(STATUS "[${name}] exit ${rc}")
endfunction()

check(help 0 "Usage: stepwise-run" "" --help)
check(version 0 "stepwise-run [0-9]+\\.[0-9]+\\.[0-9]+" "" --version)
check(list_lessons 0 "tensor_return\t.*accumulate_3\t" "" --list-lessons)
check(default_lesson 0 "epoch 1  batch   7  global_step   16  step" "")
check(unknown_option 2 "" "unknown option --frobnicate" --frobnicate)
check(unknown_lesson 2 "" "no built-in lesson \"nope\"" --lesson nope)

# A real Lightning run, with its trace
check(golden 0 "run finished: global_step 16" ""
      ${FIXTURES}/golden/a_sgd_plain_tensor/config.json --trace ${WORK}/a.jsonl --trace-parameters)
file(STRINGS ${WORK}/a.jsonl trace_lines)
list(LENGTH trace_lines n)
if(NOT n EQUAL 195)  # header + run_start + 16 x (11 stage exits + batch_end) + run_end
    message(SEND_ERROR "[golden] trace has ${n} lines, expected 195")
endif()
list(GET trace_lines 0 header)
if(NOT header MATCHES "^{\"type\":\"stepwise_trace\",\"schema\":5,")
    message(SEND_ERROR "[golden] the trace does not start with its schema header: ${header}")
endif()
list(GET trace_lines 2 first_stage)
if(NOT first_stage MATCHES "\"type\":\"stage_exit\",.*\"stage\":\"on_train_batch_start\"")
    message(SEND_ERROR "[golden] the first stage record is not on_train_batch_start's exit: ${first_stage}")
endif()

# The per-batch table: a header, one row per batch, every column; a failed run keeps its rows.
check(csv 0 "" "" --lesson dict_extras --csv ${WORK}/extras.csv --quiet)
file(STRINGS ${WORK}/extras.csv csv_lines)
list(LENGTH csv_lines n)
list(GET csv_lines 0 csv_header)
if(NOT csv_header STREQUAL "epoch,batch_idx,global_step,stepped,loss,loss_raw,grad_norm,update_norm,lr,mae,pred_mean")
    message(SEND_ERROR "[csv] header: ${csv_header}")
endif()
if(NOT n EQUAL 17)  # dict_extras: 2 epochs of 8 batches
    message(SEND_ERROR "[csv] ${n} lines, expected 17")
endif()
list(GET csv_lines 1 first_row)
if(NOT first_row MATCHES "^0,0,1,True,[^,]+,[^,]+,[^,]+,[^,]+,0\\.1,[^,]+,[^,]+$")
    message(SEND_ERROR "[csv] first row: ${first_row}")
endif()
check(csv_accumulating 0 "" "" --lesson accumulate_3 --csv ${WORK}/acc.csv --quiet)
file(STRINGS ${WORK}/acc.csv acc_lines)
list(GET acc_lines 1 acc_first)  # batch 0 of a window of 3: no step, no update norm, global_step 0
if(NOT acc_first MATCHES "^0,0,0,False,[^,]+,[^,]+,[^,]+,,")
    message(SEND_ERROR "[csv_accumulating] first row: ${acc_first}")
endif()
list(GET acc_lines 3 acc_third)  # the window's last batch steps
if(NOT acc_third MATCHES "^0,2,1,True,[^,]+,[^,]+,[^,]+,[^,]+,")
    message(SEND_ERROR "[csv_accumulating] third row: ${acc_third}")
endif()
check(csv_failed_run 1 "" "MisconfigurationException" --lesson dict_without_loss --csv ${WORK}/failed.csv --quiet)
file(STRINGS ${WORK}/failed.csv failed_lines)
list(LENGTH failed_lines n)
if(NOT n EQUAL 1)  # it failed in batch 0: the header, no row
    message(SEND_ERROR "[csv_failed_run] ${n} lines, expected the header alone")
endif()
check(csv_unwritable 2 "" "cannot write the CSV file ${WORK}/no/such/dir/t.csv" --lesson tensor_return --csv ${WORK}/no/such/dir/t.csv)

# TensorBoard: DIR/version_N per run, read back through the tests' own reader (tfevents_dump).
check(tensorboard 0 "tensorboard: ${WORK}/tb/version_0" "" --lesson accumulate_3 --tensorboard ${WORK}/tb)
check(tensorboard_next_version 0 "tensorboard: ${WORK}/tb/version_1" "" --lesson tensor_return --tensorboard ${WORK}/tb)
file(GLOB tb_files ${WORK}/tb/version_0/events.out.tfevents.*)
list(LENGTH tb_files n)
if(NOT n EQUAL 1)
    message(SEND_ERROR "[tensorboard] ${n} event files in version_0, expected 1")
else()
    execute_process(COMMAND ${TFEVENTS_DUMP} ${tb_files} RESULT_VARIABLE rc OUTPUT_VARIABLE tb ERROR_VARIABLE tb_err)
    # accumulate_3: 3 windows an epoch; the first optimizer step logs at step 0, after batch 2.
    if(NOT rc EQUAL 0 OR NOT tb MATCHES "^file_version brain.Event:2\n0 loss [^\n]+\n0 epoch 0\n0 stepwise/backward_loss")
        message(SEND_ERROR "[tensorboard] tfevents_dump exit ${rc}: ${tb_err}\n${tb}")
    endif()
    string(REGEX MATCHALL "\n[0-9]+ loss " tb_losses "${tb}")
    list(LENGTH tb_losses n)
    file(STRINGS ${WORK}/acc.csv acc_rows REGEX ",True,")
    list(LENGTH acc_rows stepped)
    if(NOT n EQUAL stepped)  # one loss per optimizer step, none for the batches that accumulated
        message(SEND_ERROR "[tensorboard] ${n} losses for ${stepped} optimizer steps")
    endif()
endif()
file(WRITE ${WORK}/tb_file "a file where the directory should be")
check(tensorboard_unwritable 2 "" "cannot create the TensorBoard directory ${WORK}/tb_file/x" --lesson tensor_return --tensorboard ${WORK}/tb_file/x)
check(tensorboard_needs_a_value 2 "" "--tensorboard needs a value" --lesson tensor_return --tensorboard)

# A Latin-1 source file with a syntax error, traced: a clear compile error, never an abort.
file(WRITE ${WORK}/latin1.json "{\"model\": {\"source\": \"${FIXTURES}/bad/latin1.stepwise\"}}")
check(latin1_source_traced 1 "" "cannot load the model: .*latin1.stepwise" ${WORK}/latin1.json --trace ${WORK}/latin1.jsonl)
file(STRINGS ${WORK}/latin1.jsonl latin1_lines)
list(LENGTH latin1_lines n)
if(n LESS 3)
    message(SEND_ERROR "[latin1_source_traced] the trace lacks the error and run_end: ${latin1_lines}")
endif()

# Lightning's messages, byte for byte, and a non-zero exit
check(dict_without_loss 1 ""
      "MisconfigurationException: In automatic_optimization, when `training_step` returns a dict, the 'loss' key needs to be present\n  \\(raised at training_step, epoch 0, batch 0\\)"
      --lesson dict_without_loss)
check(none_warning 0 "loss None" "UserWarning: `training_step` returned `None`. If this was on purpose, ignore this warning..."
      --lesson none_batches)
check(non_scalar 1 "" "RuntimeError: grad can be implicitly created only for scalar outputs\n  \\(raised at backward" --lesson non_scalar_loss)

# Bad config files
file(WRITE ${WORK}/typo.json "{\"trainer\": {\"max_epoch\": 2}}")
check(config_typo 2 "" "invalid config: .*typo.json: trainer.max_epoch: unknown key" ${WORK}/typo.json)
file(WRITE ${WORK}/broken.json "{\"trainer\": ")
check(config_not_json 2 "" "broken.json: not valid JSON" ${WORK}/broken.json)
check(config_missing 2 "" "absent.json: cannot open the config file" ${WORK}/absent.json)
file(WRITE ${WORK}/clip.json "{\"trainer\": {\"gradient_clip_algorithm\": \"max\"}}")
check(clip_algorithm 2 "" "MisconfigurationException: `gradient_clip_algorithm` max is invalid. Allowed algorithms: \\['value', 'norm'\\]." ${WORK}/clip.json)

# Bad model and data files
file(WRITE ${WORK}/missing_model.json "{\"model\": {\"torchscript\": \"nope.pt\"}}")
check(model_missing 1 "" "cannot load the model: .*nope.pt: no such TorchScript file" ${WORK}/missing_model.json)
file(WRITE ${WORK}/corrupt_model.json "{\"model\": {\"torchscript\": \"${FIXTURES}/bad/corrupt.pt\"}}")
check(model_corrupt 1 "" "not a TorchScript module file" ${WORK}/corrupt_model.json)
file(WRITE ${WORK}/bad.stepwise "param w: [1, 3] = zeros\n\ndef training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int):\n    x, y = batch\n    return (x @ self.w.t() - y).pow(2).mean() + oops\n")
file(WRITE ${WORK}/bad_source.json "{\"model\": {\"source\": \"bad.stepwise\"}}")
check(source_compile_error 1 "" "bad.stepwise:5:49: error: undefined value oops" ${WORK}/bad_source.json)
file(WRITE ${WORK}/corrupt_data.json "{\"model\": {\"torchscript\": \"${FIXTURES}/golden/a_sgd_plain_tensor/model.pt\"}, \"data\": {\"file\": \"${FIXTURES}/bad/corrupt.pt\"}}")
check(data_corrupt 1 "" "cannot load the data: .*corrupt.pt: cannot read it as a torch.save file" ${WORK}/corrupt_data.json)

# An exception inside training_step: message with its stage, the trace so far kept
file(WRITE ${WORK}/raises.json "{\"model\": {\"torchscript\": \"${FIXTURES}/bad/raises.pt\"}, \"data\": {\"file\": \"${FIXTURES}/bad/data3.pt\"}, \"optimizer\": {\"name\": \"sgd\", \"lr\": 0.1}}")
check(raises 1 "epoch 0  batch   0" "boom at batch 1.*raised at training_step, epoch 0, batch 1" ${WORK}/raises.json --trace ${WORK}/raises.jsonl)
file(READ ${WORK}/raises.jsonl raises_trace)
if(NOT raises_trace MATCHES "\"type\":\"batch_end\"" OR NOT raises_trace MATCHES "\"type\":\"error\".*\"type\":\"run_end\".*\"status\":\"failed\"")
    message(SEND_ERROR "[raises] the trace did not keep batch 0 and end with the error:\n${raises_trace}")
endif()
check(listen_bad_port 2 "" "--listen \"abc\": the port must be a number from 0 to 65535" --listen abc)
check(listen_unbindable 2 "" "cannot listen on 192.0.2.1:7000: " --listen 192.0.2.1:7000)  # not this machine's address
check(trace_unwritable 2 "" "cannot write the trace file" --trace /nonexistent/dir/t.jsonl)

# Breakpoints from the command line (README "Breakpoints"): a CI script stops at the first hit.
check(break_on_nonfinite_exit 3 "epoch 0  batch   2" "(^|\n)stepwise-run: breakpoint 1 \\(nonfinite\\) hit: loss = nan at epoch 0, batch 3, training_step; the run stopped there\n"
      --lesson nan_loss --break-on nonfinite --on-break exit)
check(break_on_continue 0 "run finished: global_step 8" "stepwise: note: breakpoint 1 \\(nonfinite\\) hit: loss = nan  \\[epoch 0, batch 3\\]"
      --lesson nan_loss --break-on nonfinite)
check(break_on_place_exit 3 "" "breakpoint 2 \\(global_step = 5\\) hit at epoch 0, batch 4, on_train_batch_end"
      --lesson tensor_return --break-on "loss > 1e9" --break-on global_step=5 --on-break exit)
check(break_on_grad_norm_quiet 0 "" "breakpoint 1 \\(grad_norm\\[weight\\] > 0\\) hit: grad_norm\\[weight\\] = [0-9.e-]+"
      --lesson tensor_return --break-on "grad_norm[weight]>0" --quiet)
check(break_on_exception_exit 3 "" "breakpoint 1 \\(exception\\) hit at epoch 0, batch 1, training_step; the run stopped there"
      ${WORK}/raises.json --break-on exception --on-break exit)
check(break_on_bad_expression 2 "" "--break-on: expected a number at column 11 of \"grad_norm>\""
      --break-on "grad_norm>")
check(break_on_mixed_stages 2 "" "one condition can only test values of one stage, and this one mixes training_step's with on_after_backward's"
      --break-on "loss>1 and grad_norm>1")
check(on_break_unknown 2 "" "--on-break takes continue, exit or hold, not \"later\"" --on-break later)
check(on_break_hold_alone 2 "" "--on-break hold needs --listen" --break-on none --on-break hold)
file(WRITE ${WORK}/bad_breakpoint.json "{\"breakpoints\": [\"none\", {\"when\": \"stage = nowhere\"}]}")
check(config_bad_breakpoint 2 "" "invalid config: .*bad_breakpoint.json: breakpoints\\[1\\]: no stage \"nowhere\"" ${WORK}/bad_breakpoint.json)

# The command line (CLI11): --opt=value as well as --opt value, options before or after the config,
# and every usage error one line naming its cause, exit status 2.
check(trace_equals 0 "run finished: global_step 16" "" --lesson tensor_return --trace=${WORK}/equals.jsonl)
file(STRINGS ${WORK}/equals.jsonl equals_lines LIMIT_COUNT 1)
if(NOT equals_lines MATCHES "^{\"type\":\"stepwise_trace\"")
    message(SEND_ERROR "[trace_equals] --trace=FILE wrote no trace: ${equals_lines}")
endif()
check(equals_in_the_value 3 "" "breakpoint 1 \\(global_step = 5\\) hit at epoch 0, batch 4"
      --lesson tensor_return --break-on=global_step=5 --on-break=exit)
check(options_before_config 0 "" "" --quiet --csv=${WORK}/before.csv --break-on nonfinite
      ${FIXTURES}/golden/a_sgd_plain_tensor/config.json)
file(STRINGS ${WORK}/before.csv before_lines)
list(LENGTH before_lines n)
if(NOT n EQUAL 17)  # the golden run: 16 batches, not the default lesson
    message(SEND_ERROR "[options_before_config] ${n} CSV lines, expected 17")
endif()
check(unknown_option_with_value 2 "" "^stepwise-run: unknown option --frobnicate\nTry 'stepwise-run --help' for the usage.\n$"
      --frobnicate=3)
check(trace_needs_a_value 2 "" "^stepwise-run: --trace needs a value\n" --lesson tensor_return --trace)
check(trace_empty_value 2 "" "--trace needs a value" --lesson tensor_return --trace=)
check(lesson_twice 2 "" "^stepwise-run: --lesson given more than once\n" --lesson tensor_return --lesson accumulate_3)
check(config_and_lesson 2 "" "^stepwise-run: give a config file or --lesson, not both\n" ${WORK}/typo.json --lesson tensor_return)
check(two_configs 2 "" "^stepwise-run: only one config file, got ${WORK}/typo.json and ${WORK}/clip.json\n"
      ${WORK}/typo.json ${WORK}/clip.json)
check(token_without_listen 2 "" "^stepwise-run: --token needs --listen" --lesson tensor_return --token abc)
check(on_break_bogus 2 "" "^stepwise-run: --on-break takes continue, exit or hold, not \"bogus\"\n" --on-break=bogus)
check(on_break_number 2 "" "--on-break takes continue, exit or hold, not \"1\"" --on-break 1)
check(flag_with_a_value 2 "" "^stepwise-run: --quiet takes no value, not \"loud\"\n" --quiet=loud)
check(help_short 0 "^Usage: stepwise-run " "" -h)

# --help: every option it describes is in its usage lines too (they end at the first blank line).
execute_process(COMMAND ${RUNNER} --help RESULT_VARIABLE rc OUTPUT_VARIABLE help)
string(FIND "${help}" "\n\n" usage_end)
string(SUBSTRING "${help}" 0 ${usage_end} usage)
string(REGEX MATCHALL "\n  (-h, )?--[a-z][a-z-]*[a-z]" described "${help}")
list(TRANSFORM described REPLACE "^\n  (-h, )?" "")
set(every_option --lesson --trace --trace-parameters --csv --tensorboard --quiet --list-lessons --listen
    --token --break-on --on-break --help --version)
foreach(o IN LISTS every_option described)
    if(NOT usage MATCHES "[[ ]${o}([] .\n]|$)")
        message(SEND_ERROR "[help_usage] ${o} is not in the usage lines:\n${usage}")
    endif()
endforeach()
list(LENGTH described n)
if(NOT rc EQUAL 0 OR n LESS 13 OR NOT usage MATCHES "\\[CONFIG.json\\]")
    message(SEND_ERROR "[help_usage] exit ${rc}, ${n} options described, usage:\n${usage}")
endif()
message(STATUS "[help_usage] ${n} options described")

# Ctrl+C stops a run that trains on the main thread: the batches so far are printed, then exit 130.
file(WRITE ${WORK}/long.json "{\"model\": {\"lesson\": \"tensor_return\"}, \"trainer\": {\"max_epochs\": 100000}}")
execute_process(COMMAND timeout --preserve-status -s INT 3 ${RUNNER} ${WORK}/long.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 130 OR NOT out MATCHES "epoch 0  batch   0")
    message(SEND_ERROR "[interrupt] exit ${rc}, expected 130 after the first batches\nstdout: ${out}\nstderr: ${err}")
endif()
message(STATUS "[interrupt] exit ${rc}")
