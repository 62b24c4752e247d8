//! The infrastructure and the code agree: one table definition (the SAM template's, which the
//! cargo-lambda stack repeats and make dev and the tests create their tables from), and every
//! environment variable the function reads is set wherever the function runs.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use order_intake::config::Config;
use order_intake::store::dynamodb::{
    BY_MONTH_INDEX, DYNAMODB_ACTIONS, OPERATOR_DYNAMODB_ACTIONS, RETRY_INDEX,
};
use order_intake::store::item::{ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE};
use order_intake::store::key_spaces::{FUNCTION_KEY_SPACES, OPERATOR_KEY_SPACES};
use order_intake::store::table::TableSpec;

fn read(path: &str) -> String {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `NAME=value` lines of an env file, a value's double quotes removed as the shell does.
fn env_file(path: &str) -> HashMap<String, String> {
    read(path)
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

/// The variables `Config` asks for, in the order it asks.
fn variables_the_code_reads() -> BTreeSet<String> {
    let dev = env_file("config/dev.env");
    let asked = RefCell::new(BTreeSet::new());
    Config::from_lookup(|name| {
        asked.borrow_mut().insert(name.to_owned());
        dev.get(name).cloned()
    })
    .expect("config/dev.env is a complete configuration");
    asked.into_inner()
}

/// The variable names under the function's `Environment: Variables:` in the SAM template.
fn template_variables() -> BTreeSet<String> {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let variables =
        &template["Resources"]["OrderFunction"]["Properties"]["Environment"]["Variables"];
    variables
        .as_mapping()
        .expect("OrderFunction has environment variables")
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_table_key_and_ttl_are_the_ones_the_code_uses() {
    let spec = TableSpec::from_repository_template().unwrap();
    assert_eq!(spec.partition_key(), Some(ORDER_TABLE_PARTITION_KEY));
    assert_eq!(
        spec.key_schema.len(),
        1,
        "the code reads and writes by partition key only"
    );
    let ttl = spec
        .time_to_live_specification
        .expect("the dedupe records expire through TTL");
    assert_eq!(
        (ttl.attribute_name.as_str(), ttl.enabled),
        (ORDER_TABLE_TTL_ATTRIBUTE, true)
    );
}

#[test]
fn the_cargo_lambda_stack_declares_the_same_table() {
    let properties = |path: &str| {
        let template: serde_norway::Value = serde_norway::from_str(&read(path)).unwrap();
        template["Resources"]["OrdersTable"].clone()
    };
    assert_eq!(
        properties("infra/cargo-lambda-stack.yaml"),
        properties("infra/template.yaml")
    );
}

#[test]
fn every_variable_the_function_reads_is_set_wherever_it_runs() {
    let read_by_code = variables_the_code_reads();
    assert!(
        read_by_code.contains("ORDERS_TABLE") && read_by_code.len() >= 6,
        "{read_by_code:?}"
    );
    let template = template_variables();
    let cargo_lambda: BTreeSet<String> = env_file("infra/cargo-lambda.env.example")
        .into_keys()
        .collect();
    let test: BTreeSet<String> = env_file("config/test.env").into_keys().collect();
    for variable in &read_by_code {
        assert!(
            template.contains(variable),
            "{variable} is not set in infra/template.yaml"
        );
        assert!(
            cargo_lambda.contains(variable),
            "{variable} is not in infra/cargo-lambda.env.example"
        );
        assert!(
            test.contains(variable) || variable == "SES_CONFIGURATION_SET",
            "{variable} is not in config/test.env"
        );
    }
    assert!(
        template.is_subset(&read_by_code),
        "the template sets variables the code never reads: {template:?}"
    );
}

/// Every action granted by the role's statements in a template.
fn granted_actions(path: &str, role: &str) -> BTreeSet<String> {
    let template: serde_norway::Value = serde_norway::from_str(&read(path)).unwrap();
    let policies = template["Resources"][role]["Properties"]["Policies"]
        .as_sequence()
        .expect("role policies");
    let mut actions = BTreeSet::new();
    for policy in policies {
        for statement in policy["PolicyDocument"]["Statement"].as_sequence().unwrap() {
            match &statement["Action"] {
                serde_norway::Value::String(action) => {
                    actions.insert(action.clone());
                }
                list => actions.extend(
                    list.as_sequence()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_owned()),
                ),
            }
        }
    }
    actions
}

#[test]
fn both_roles_grant_exactly_the_dynamodb_actions_the_store_calls() {
    let used: BTreeSet<String> = DYNAMODB_ACTIONS.iter().map(|a| a.to_string()).collect();
    for (path, role) in [
        ("infra/template.yaml", "OrderFunctionRole"),
        ("infra/cargo-lambda-stack.yaml", "FunctionRole"),
    ] {
        let granted: BTreeSet<String> = granted_actions(path, role)
            .into_iter()
            .filter(|a| a.starts_with("dynamodb:"))
            .collect();
        assert_eq!(granted, used, "{path}");
        assert!(
            granted_actions(path, role).contains("ses:SendEmail"),
            "{path}"
        );
    }
}

/// Every `dynamodb:LeadingKeys` list in a policy document.
fn leading_keys(document: &serde_norway::Value) -> Vec<Vec<String>> {
    (document["Statement"]
        .as_sequence()
        .expect("statements")
        .iter())
    .filter_map(|statement| {
        let keys = &statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"];
        let keys = keys.as_sequence()?.iter();
        Some(keys.map(|k| k.as_str().unwrap().to_owned()).collect())
    })
    .collect()
}

/// The key spaces each role may write are the ones the code writes
/// (`store::key_spaces::FUNCTION_KEY_SPACES`, `OPERATOR_KEY_SPACES`, each held to the code's keys by a unit
/// test): a key space added in the code and not in `infra/` is refused in production only.
#[test]
fn each_role_may_write_exactly_the_key_spaces_the_code_writes() {
    let expected = |spaces: &[&str]| -> Vec<Vec<String>> {
        vec![spaces.iter().map(|s| s.to_string()).collect()]
    };
    for (path, role) in [
        ("infra/template.yaml", "OrderFunctionRole"),
        ("infra/cargo-lambda-stack.yaml", "FunctionRole"),
    ] {
        let template: serde_norway::Value = serde_norway::from_str(&read(path)).unwrap();
        let policies = template["Resources"][role]["Properties"]["Policies"]
            .as_sequence()
            .expect("role policies");
        let found: Vec<Vec<String>> = (policies.iter())
            .flat_map(|policy| leading_keys(&policy["PolicyDocument"]))
            .collect();
        assert_eq!(found, expected(&FUNCTION_KEY_SPACES), "{path} {role}");
    }
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let operator = &template["Resources"]["OperatorPolicy"]["Properties"]["PolicyDocument"];
    // Reads on all its key spaces; writes on the same, orders only in the attributes below.
    let found = leading_keys(operator);
    assert_eq!(found[0], expected(&OPERATOR_KEY_SPACES)[0]);
    let mut written: Vec<String> = found[1..].concat();
    written.sort();
    let mut spaces: Vec<String> = OPERATOR_KEY_SPACES.map(str::to_owned).to_vec();
    spaces.sort();
    assert_eq!(written, spaces);
}

/// The operator's `UpdateItem` on orders is held to the attributes `ops` writes there (the
/// invoicing details and log, the invoice facts), in a statement of its own on `order#`; no
/// `PutItem` anywhere: an order the function would mail can be neither created nor changed
/// with the operator's credentials.
#[test]
fn the_operator_writes_only_invoicing_attributes_on_orders_and_puts_nothing() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let operator = &template["Resources"]["OperatorPolicy"]["Properties"]["PolicyDocument"];
    let statements = operator["Statement"].as_sequence().unwrap();
    let mut on_orders = 0;
    for statement in statements {
        let actions = format!("{:?}", statement["Action"]);
        assert!(
            !actions.contains("PutItem") && !actions.contains("dynamodb:*"),
            "{actions}"
        );
        let keys = format!("{:?}", statement["Condition"]["ForAllValues:StringLike"]);
        if !(actions.contains("UpdateItem") && keys.contains("order#")) {
            continue;
        }
        on_orders += 1;
        assert!(
            !keys.contains("invoice#"),
            "orders in a statement of their own: {keys}"
        );
        let listed = &statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"];
        let mut listed: Vec<String> = (listed.as_sequence().expect("an attribute list").iter())
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        let mut code: Vec<String> = order_intake::store::key_spaces::operator_order_attributes()
            .into_iter()
            .map(str::to_owned)
            .collect();
        listed.sort();
        code.sort();
        assert_eq!(listed, code);
    }
    assert_eq!(on_orders, 1, "one UpdateItem statement on order#");
}

/// Statements of a policy document as (actions, resources), `!Sub` strings as written.
fn statements(document: &serde_norway::Value) -> Vec<(Vec<String>, Vec<String>)> {
    let strings = |value: &serde_norway::Value| -> Vec<String> {
        let one = |v: &serde_norway::Value| match v {
            serde_norway::Value::Tagged(tagged) => format!("{:?}", tagged.value),
            other => format!("{other:?}"),
        };
        match value.as_sequence() {
            Some(items) => items.iter().map(one).collect(),
            None => vec![one(value)],
        }
    };
    document["Statement"]
        .as_sequence()
        .expect("statements")
        .iter()
        .map(|s| (strings(&s["Action"]), strings(&s["Resource"])))
        .collect()
}

#[test]
fn the_operator_policy_grants_exactly_what_the_orders_command_calls() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let policy = &template["Resources"]["OperatorPolicy"];
    assert_eq!(policy["Type"].as_str(), Some("AWS::IAM::ManagedPolicy"));
    assert!(
        template["Outputs"]["OperatorPolicyArn"].is_mapping(),
        "the stack outputs the policy for the operators"
    );
    let statements = statements(&policy["Properties"]["PolicyDocument"]);
    let quoted = |action: &str| format!("String({action:?})");
    let granted: BTreeSet<String> = statements
        .iter()
        .flat_map(|(actions, _)| actions.clone())
        .filter(|a| a.contains("dynamodb:"))
        .collect();
    let used: BTreeSet<String> = OPERATOR_DYNAMODB_ACTIONS
        .iter()
        .map(|a| quoted(a))
        .collect();
    assert_eq!(granted, used);
    // Queries only on the by-month index; nothing anywhere on the retry index or by Scan.
    for (actions, resources) in &statements {
        if actions.contains(&quoted("dynamodb:Query")) {
            assert_eq!(resources.len(), 1);
            assert!(
                resources[0].ends_with(&format!("/index/{BY_MONTH_INDEX}\")")),
                "{resources:?}"
            );
        }
        assert!(
            resources.iter().all(|r| !r.contains(RETRY_INDEX)),
            "{resources:?}"
        );
    }
    // Operators send nothing themselves: the commands that send invoke the function.
    for (actions, resources) in &statements {
        assert!(
            actions.iter().all(|a| !a.contains("ses:")),
            "the operator policy grants {actions:?}"
        );
        // Only through the operator's door (src/door.rs): never the API's or EventBridge's.
        if actions.contains(&quoted("lambda:InvokeFunction")) {
            assert_eq!(resources.len(), 1, "{resources:?}");
            assert!(resources[0].contains("OperatorAlias"), "{resources:?}");
        }
    }
    let invokes =
        (statements.iter()).any(|(actions, _)| actions.contains(&quoted("lambda:InvokeFunction")));
    assert!(
        invokes,
        "resend, release, book and cancel invoke the function"
    );
    let output = &template["Outputs"]["OrderFunctionName"]["Value"];
    assert_eq!(reference(output), Some("OperatorAlias"), "ORDERS_FUNCTION");
    // orders send's transfer credentials: one parameter, read and written by operators only.
    let ssm: Vec<_> = (statements.iter())
        .filter(|(actions, _)| actions.iter().any(|a| a.contains("ssm:")))
        .collect();
    assert_eq!(ssm.len(), 1, "{ssm:?}");
    let (actions, resources) = ssm[0];
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(resources.len() == 1 && resources[0].contains("parameter${ApixParameterName}"));
    let function_policy = format!(
        "{:?}",
        template["Resources"]["OrderFunction"]["Properties"]["Policies"]
    );
    assert!(
        !function_policy.contains("ssm:"),
        "the function reads no parameter"
    );
}

/// One door per caller: the API's routes invoke the `web` alias SAM publishes, EventBridge's
/// rules only the `events` alias, the operator only `operator`; all three on the version each
/// deploy publishes (configuration included), each alias's resource policy for its one caller.
#[test]
fn each_alias_is_invoked_by_its_one_caller_on_the_version_each_deploy_publishes() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let resources = template["Resources"].as_mapping().unwrap();
    let function = &template["Resources"]["OrderFunction"]["Properties"];
    assert_eq!(function["AutoPublishAlias"].as_str(), Some("web"));
    assert_eq!(
        function["AutoPublishAliasAllProperties"].as_bool(),
        Some(true)
    );
    // SAM points every event of the function at its alias: HTTP routes only.
    for (name, event) in function["Events"].as_mapping().unwrap() {
        assert_eq!(event["Type"].as_str(), Some("HttpApi"), "{name:?}");
    }
    for (alias, name) in [("EventsAlias", "events"), ("OperatorAlias", "operator")] {
        let properties = &template["Resources"][alias]["Properties"];
        assert_eq!(
            template["Resources"][alias]["Type"].as_str(),
            Some("AWS::Lambda::Alias")
        );
        assert_eq!(properties["Name"].as_str(), Some(name));
        assert_eq!(
            reference(&properties["FunctionName"]),
            Some("OrderFunction")
        );
        let version = format!("{:?}", properties["FunctionVersion"]);
        assert!(
            version.contains("OrderFunction.Version.Version"),
            "{version}"
        );
    }
    let of_type = |kind: &str| -> Vec<(String, serde_norway::Value)> {
        (resources.iter())
            .filter(|(_, r)| r["Type"].as_str() == Some(kind))
            .map(|(name, r)| (name.as_str().unwrap().to_owned(), r["Properties"].clone()))
            .collect()
    };
    let rules = of_type("AWS::Events::Rule");
    assert_eq!(rules.len(), 2, "the retry run's schedule and SES's reports");
    for (name, rule) in &rules {
        for target in rule["Targets"].as_sequence().unwrap() {
            assert_eq!(reference(&target["Arn"]), Some("EventsAlias"), "{name}");
        }
    }
    let permissions = of_type("AWS::Lambda::Permission");
    assert_eq!(permissions.len(), rules.len(), "one per rule, none else");
    for (name, permission) in permissions {
        assert_eq!(
            reference(&permission["FunctionName"]),
            Some("EventsAlias"),
            "{name}"
        );
        assert_eq!(
            permission["Principal"].as_str(),
            Some("events.amazonaws.com")
        );
        let source = format!("{:?}", permission["SourceArn"]);
        assert!(
            rules
                .iter()
                .any(|(rule, _)| source.contains(&format!("{rule}.Arn"))),
            "{source}"
        );
    }
    // The cargo-lambda path's rules invoke its events alias too (scripts/point-aliases.sh).
    let stack: serde_norway::Value =
        serde_norway::from_str(&read("infra/cargo-lambda-stack.yaml")).unwrap();
    let mut doors = 0;
    for (name, resource) in stack["Resources"].as_mapping().unwrap() {
        let properties = &resource["Properties"];
        let named = match resource["Type"].as_str() {
            Some("AWS::Events::Rule") => format!("{:?}", properties["Targets"]),
            Some("AWS::Lambda::Permission") => format!("{:?}", properties["FunctionName"]),
            _ => continue,
        };
        assert!(
            named.contains("${FunctionName}:events"),
            "{name:?}: {named}"
        );
        doors += 1;
    }
    assert_eq!(doors, 4, "two rules and their permissions");
}

/// The logical id a `!Ref X` (or `{Ref: X}`) names.
fn reference(value: &serde_norway::Value) -> Option<&str> {
    match value {
        serde_norway::Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        other => other["Ref"].as_str(),
    }
}

/// The statements of a policy document that grant `action` to `service`.
fn grants(policy: &serde_norway::Value, service: &str, action: &str) -> bool {
    let listed = |value: &serde_norway::Value, wanted: &str| match value {
        serde_norway::Value::String(s) => s == wanted,
        serde_norway::Value::Sequence(items) => items.iter().any(|i| i.as_str() == Some(wanted)),
        _ => false,
    };
    policy["Statement"]
        .as_sequence()
        .into_iter()
        .flatten()
        .any(|statement| {
            statement["Effect"].as_str() == Some("Allow")
                && listed(&statement["Principal"]["Service"], service)
                && listed(&statement["Action"], action)
        })
}

#[test]
fn cloudwatch_alarms_can_publish_to_the_alarm_topic() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let resources = &template["Resources"];
    let key_ref = reference(&resources["AlarmTopic"]["Properties"]["KmsMasterKeyId"])
        .expect("the alarm topic is encrypted with a key of this template, not alias/aws/sns");
    let key_policy = &resources[key_ref]["Properties"]["KeyPolicy"];
    for action in ["kms:Decrypt", "kms:GenerateDataKey*"] {
        assert!(
            grants(key_policy, "cloudwatch.amazonaws.com", action),
            "the key lets CloudWatch {action}"
        );
    }
    let topic_policy = resources
        .as_mapping()
        .unwrap()
        .values()
        .find(|r| r["Type"].as_str() == Some("AWS::SNS::TopicPolicy"))
        .expect("the topic has a policy");
    assert!(grants(
        &topic_policy["Properties"]["PolicyDocument"],
        "cloudwatch.amazonaws.com",
        "sns:Publish"
    ));
    // Every alarm publishes to that topic, or through a composite alarm that does:
    // every_alarm_links_its_runbook_section_and_reaches_the_topic.
}

#[test]
fn every_alarm_links_its_runbook_section_and_reaches_the_topic() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let runbook = read("RUNBOOK.md");
    let resources = template["Resources"].as_mapping().unwrap();
    // The alarms a composite alarm combines notify through it, not on their own.
    let combined: Vec<String> = resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::CloudWatch::CompositeAlarm"))
        .map(|r| format!("{:?}", r["Properties"]["AlarmRule"]))
        .collect();
    let mut alarms = 0;
    for (name, resource) in resources {
        let kind = resource["Type"].as_str().unwrap_or_default();
        if !kind.starts_with("AWS::CloudWatch::") || !kind.ends_with("Alarm") {
            continue;
        }
        alarms += 1;
        let name = name.as_str().unwrap();
        let properties = &resource["Properties"];
        let description = properties["AlarmDescription"].as_str().unwrap_or_default();
        let link = format!("RUNBOOK.md#alarm-{name}");
        assert!(description.ends_with(&link), "{name}: {description}");
        assert!(
            runbook.contains(&format!("<a id=\"alarm-{name}\"></a>")),
            "RUNBOOK.md has no section for {name}"
        );
        let actions = format!("{:?}", properties["AlarmActions"]);
        let part_of_a_composite = combined
            .iter()
            .any(|rule| rule.contains(&format!("${{{name}}}")));
        assert!(
            actions.contains("AlarmTopic") || part_of_a_composite,
            "{name} notifies nobody"
        );
    }
    assert!(alarms >= 15, "{alarms} alarms");
}

/// Lambda files EMF lines (plain JSON on stdout) at INFO: a higher application log level would
/// drop every metric.
#[test]
fn the_function_logs_at_info_so_that_its_metrics_arrive() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let logging = &template["Resources"]["OrderFunction"]["Properties"]["LoggingConfig"];
    let level = logging["ApplicationLogLevel"].as_str().unwrap_or("INFO");
    assert!(["TRACE", "DEBUG", "INFO"].contains(&level), "{level}");
}

/// The dashboard's widgets in the function's namespace name only metrics the code emits.
#[test]
fn the_dashboard_shows_only_metrics_the_code_emits() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let body = match &template["Resources"]["Dashboard"]["Properties"]["DashboardBody"] {
        serde_norway::Value::Tagged(tagged) => tagged.value.as_str().unwrap().to_owned(),
        other => other.as_str().expect("a dashboard body").to_owned(),
    };
    // ${…} substitutions become plain text; the rest must be JSON.
    let mut plain = String::new();
    let mut rest = body.as_str();
    while let Some(start) = rest.find("${") {
        plain.push_str(&rest[..start]);
        plain.push_str("SUBSTITUTED");
        rest = &rest[start + rest[start..].find('}').unwrap() + 1..];
    }
    plain.push_str(rest);
    let dashboard: serde_json::Value = serde_json::from_str(&plain).expect("the body is JSON");
    let emitted = order_intake::measure::METRIC_NAMES;
    let mut named = 0;
    for widget in dashboard["widgets"].as_array().unwrap() {
        for line in widget["properties"]["metrics"].as_array().unwrap() {
            let line = line.as_array().unwrap();
            if line[0] == order_intake::measure::NAMESPACE {
                let metric = line[1].as_str().unwrap();
                assert!(
                    emitted.contains(&metric),
                    "the dashboard shows {metric}, which nothing emits"
                );
                named += 1;
            }
            if let Some(expression) = line[0]["expression"].as_str() {
                let metric = expression
                    .split("MetricName=\"")
                    .nth(1)
                    .and_then(|m| m.split('"').next())
                    .expect("a search names its metric");
                assert!(expression.contains("{OrderIntake,"), "{expression}");
                assert!(
                    emitted.contains(&metric),
                    "the dashboard searches {metric}, which nothing emits"
                );
                named += 1;
            }
        }
    }
    assert!(
        named >= 10,
        "{named} metrics of the function on the dashboard"
    );
}

#[test]
fn the_privacy_notice_states_the_retention_time() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let months = template["Parameters"]["RetentionMonths"]["Default"]
        .as_u64()
        .expect("RetentionMonths has a default");
    assert_eq!(
        months,
        u64::from(order_intake::intake::DEFAULT_RETENTION_MONTHS)
    );
    let notice = read("web/tietosuoja.html");
    assert!(
        notice.contains(&format!("{months} kuukauden kuluttua tilauksesta")),
        "web/tietosuoja.html states the retention time"
    );
    // The same in each language: the retention (of the contact details and of the addresses
    // the sent messages went to, kept on the order), the logs (90 days), the backups (35), the
    // suppression list, Turnstile and the way to ask.
    let logs = template["Parameters"]["LogRetentionDays"]["Default"]
        .as_u64()
        .unwrap();
    assert_eq!(logs, 90);
    let (finnish, rest) = notice.split_once("id=\"sv\"").unwrap();
    let (swedish, english) = rest.split_once("id=\"en\"").unwrap();
    for (language, text, words) in [
        (
            "fi",
            finnish,
            [
                "24 kuukauden",
                "90 päivän",
                "35 päivää",
                "estolistalle",
                "Turnstile",
                "tietosuojavaltuutetulle",
            ],
        ),
        (
            "sv",
            swedish,
            [
                "24 månader",
                "90 dagar",
                "35 dagar",
                "spärrlista",
                "Turnstile",
                "dataombudsmannen",
            ],
        ),
        (
            "en",
            english,
            [
                "24 months",
                "90 days",
                "35 days",
                "suppression list",
                "Turnstile",
                "Data Protection Ombudsman",
            ],
        ),
    ] {
        for word in words {
            assert!(
                text.contains(word),
                "the {language} privacy notice does not say {word:?}"
            );
        }
    }
}

#[test]
fn no_build_for_lambda_trusts_the_bench_ca() {
    let manifest = read("Cargo.toml");
    let default_features = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("default ="));
    assert!(
        default_features.is_none_or(|line| !line.contains("trust-local-ca")),
        "trust-local-ca must never be a default feature"
    );
    let lambda_metadata = manifest
        .split("[package.metadata.lambda")
        .skip(1)
        .map(|section| section.split("\n[").next().unwrap_or_default())
        .collect::<String>();
    for (path, text) in [
        ("Makefile", read("Makefile")),
        ("infra/template.yaml", read("infra/template.yaml")),
        ("Cargo.toml [package.metadata.lambda.*]", lambda_metadata),
    ] {
        assert!(
            !text.contains("trust-local-ca"),
            "{path} builds the function with the bench's CA"
        );
    }
}

/// Every log line a metric filter counts, as the code writes it: a reworded message would
/// silently stop its alarm.
#[test]
fn every_message_a_metric_filter_counts_is_one_the_code_logs() {
    let template = read("infra/template.yaml");
    let mut code = String::new();
    let mut files = Vec::new();
    collect_rust(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    for file in files {
        code.push_str(&std::fs::read_to_string(file).unwrap());
    }
    let marker = "$.fields.message = \"";
    let messages: Vec<&str> = (template.match_indices(marker))
        .map(|(at, _)| {
            let rest = &template[at + marker.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert!(messages.len() >= 3, "{messages:?}");
    for message in messages {
        assert!(
            code.contains(&format!("\"{message}\"")),
            "a metric filter counts {message:?}, which no code logs"
        );
    }
}

fn collect_rust(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Every Logs Insights query in the RUNBOOK that looks for one of the function's log lines
/// names values that line has, where the JSON has them (`fields.`): a query of a name the
/// line lacks, or of a top-level name, finds nulls in an incident.
#[test]
fn every_logs_insights_query_in_the_runbook_reads_what_the_function_logs() {
    let runbook = read("RUNBOOK.md");
    let mut files = Vec::new();
    collect_rust(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    // Every tracing event's arguments, as written.
    let events: Vec<String> = (files.iter())
        .map(|file| std::fs::read_to_string(file).unwrap())
        .flat_map(|code| {
            let mut events = Vec::new();
            for (at, _) in code.match_indices("tracing::") {
                let rest = &code[at..];
                if let (Some(open), Some(close)) = (rest.find("!("), rest.find(");"))
                    && open < close
                {
                    events.push(rest[open + 2..close].to_owned());
                }
            }
            events
        })
        .collect();
    let queries: Vec<&str> = (runbook.split('`').skip(1).step_by(2))
        .filter(|query| query.starts_with("filter @message like /"))
        .collect();
    assert!(queries.len() >= 4, "{queries:?}");
    for query in queries {
        let message = query["filter @message like /".len()..]
            .split('/')
            .next()
            .unwrap();
        let names: Vec<&str> = (query
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')))
        .filter_map(|word| word.strip_prefix("fields."))
        .collect();
        let logged = events
            .iter()
            .any(|event| event.contains(message) && names.iter().all(|name| event.contains(name)));
        assert!(logged, "no log line of {message:?} has {names:?}: {query}");
        for clause in ["by ", "| fields "] {
            for listed in query.split(clause).skip(1) {
                for name in listed.split(',').map(str::trim) {
                    let name = name.split_whitespace().next().unwrap_or_default();
                    assert!(
                        name.starts_with("fields.")
                            || name.starts_with('@')
                            || name.starts_with("bin("),
                        "{query}: {name} is not where the JSON has it (fields.{name})"
                    );
                }
            }
        }
    }
}

/// The human check is on unless turned off on purpose: the template refuses `HumanCheck=on`
/// without `TurnstileSecret`, passes the choice to the function (which warns and counts when it
/// is off, `tests/metrics.rs`), and the cargo-lambda configuration starts with it on.
#[test]
fn the_turnstile_secret_is_required_unless_the_human_check_is_turned_off() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let parameter = &template["Parameters"]["HumanCheck"];
    assert_eq!(parameter["Default"].as_str(), Some("on"));
    let rule = &template["Rules"]["TurnstileSecretWhileHumanCheckOn"];
    let condition = serde_norway::to_string(&rule["RuleCondition"]).unwrap();
    assert!(
        condition.contains("HumanCheck") && condition.contains("on"),
        "{condition}"
    );
    let assertions = serde_norway::to_string(&rule["Assertions"]).unwrap();
    assert!(assertions.contains("TurnstileSecret"), "{assertions}");
    let variables =
        &template["Resources"]["OrderFunction"]["Properties"]["Environment"]["Variables"];
    let human_check = serde_norway::to_string(&variables["HUMAN_CHECK"]).unwrap();
    assert!(human_check.contains("HumanCheck"), "{human_check}");
    let cargo_lambda = env_file("infra/cargo-lambda.env.example");
    assert_eq!(
        cargo_lambda.get("HUMAN_CHECK").map(String::as_str),
        Some("on")
    );
    // And the function itself refuses to start with it on and no secret.
    let mut example = cargo_lambda.clone();
    example.insert("TURNSTILE_SECRET".into(), String::new());
    for (name, value) in env_file("config/dev.env") {
        example.entry(name).or_insert(value);
    }
    let secrets = ["RATE_LIMIT_SECRET", "BOOKING_LINK_SECRET"];
    for secret in secrets {
        example.insert(
            secret.into(),
            "a-made-up-secret-of-at-least-32-characters".into(),
        );
    }
    let refused = Config::from_lookup(|name| example.get(name).filter(|v| !v.is_empty()).cloned());
    assert_eq!(refused.unwrap_err().variable, "TURNSTILE_SECRET");
}

/// The function's secrets are readable by the function alone: its environment is encrypted
/// with a key whose policy lets no person's role decrypt (nor use `kms:*` or a wildcard that
/// would), and lets deployers make grants only for Lambda.
#[test]
fn the_function_s_environment_key_decrypts_for_lambda_alone() {
    let template: serde_norway::Value =
        serde_norway::from_str(&read("infra/template.yaml")).unwrap();
    let function = &template["Resources"]["OrderFunction"]["Properties"];
    let key_arn = format!("{:?}", function["KmsKeyArn"]);
    assert!(key_arn.contains("EnvironmentKey.Arn"), "{key_arn}");
    let key = &template["Resources"]["EnvironmentKey"];
    assert_eq!(key["Type"].as_str(), Some("AWS::KMS::Key"));
    assert_eq!(key["Properties"]["EnableKeyRotation"].as_bool(), Some(true));
    let statements = key["Properties"]["KeyPolicy"]["Statement"]
        .as_sequence()
        .unwrap();
    let actions = |statement: &serde_norway::Value| -> Vec<String> {
        match &statement["Action"] {
            serde_norway::Value::String(one) => vec![one.clone()],
            serde_norway::Value::Sequence(many) => (many.iter())
                .map(|a| a.as_str().unwrap().to_owned())
                .collect(),
            other => panic!("{other:?}"),
        }
    };
    let mut grants = 0;
    for statement in statements {
        assert_eq!(statement["Effect"].as_str(), Some("Allow"));
        for action in actions(statement) {
            assert!(
                !action.contains('*')
                    && action != "kms:Decrypt"
                    && !action.starts_with("kms:ReEncrypt"),
                "the key policy allows {action}"
            );
            if action == "kms:CreateGrant" {
                grants += 1;
                let condition = &statement["Condition"];
                assert_eq!(
                    condition["Bool"]["kms:GrantIsForAWSResource"].as_str(),
                    Some("true")
                );
                let service = format!("{:?}", condition["StringEquals"]["kms:ViaService"]);
                assert!(service.contains("lambda."), "{service}");
            }
        }
    }
    assert_eq!(grants, 1, "deployers grant the key to Lambda, once");
}
