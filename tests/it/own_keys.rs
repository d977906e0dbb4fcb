//! The organisation's own keys (employee numbers, e-mail addresses, department codes) in
//! documents and event files, and the HR master import (docs/format.md, "Organisation keys and
//! the HR master import").

use std::collections::BTreeMap;

use serde_json::{Value, json};
use teichaku::model::{MemberId, Role, UnitId, ValidationError};
use teichaku::{LoadError, LoadOptions};
use teichaku_import::{BadRow, Encoding, ImportError, ImportOptions, import_members};

use crate::support::{catalog, errors, load};

const HR: &str = include_str!("../fixtures/import/hr.csv");
const BAD: &str = include_str!("../fixtures/import/bad.csv");

fn options() -> ImportOptions {
    let mut options = ImportOptions::new("2026-11-04".parse().unwrap());
    options.launch_date = "2026-10-01".parse().unwrap();
    options.name = "Example KK".into();
    options
}

/// A document naming its members and units by key only.
fn keyed() -> Value {
    json!({
        "version": 1,
        "organisation": {
            "name": "Keyed", "utc_offset": "+09:00", "launch_date": "2026-10-01", "deployment_pattern": "hybrid",
            "units": [
                { "code": "HQ", "name": "Head office" },
                { "code": "HQ/Sales", "name": "Sales", "parent": "HQ" }
            ],
            "members": [
                { "key": "E001", "email": "Boss@Example.jp", "name": "Boss", "unit": "HQ", "roles": ["executive"], "joined": "2020-04-01" },
                { "key": "E002", "email": "ann@example.jp", "name": "Ann", "unit": "HQ/Sales", "roles": ["staff"], "joined": "2020-04-01" },
                { "id": "00000000-0000-0000-0000-000000000003", "key": "E003", "name": "Ben", "unit": "HQ/Sales", "roles": ["staff"], "joined": "2020-04-01" }
            ],
            "waves": [{ "units": ["HQ/Sales"] }]
        },
        "playbook": { "builtin": "sme-five-step" },
        "observations": {
            "usage": [
                { "member": "boss@example.jp", "at": "2026-11-02T09:00:00+09:00" },
                { "member": "E003", "at": "2026-11-02T09:00:00+09:00" }
            ],
            "trainings": [{ "member": "ANN@example.jp", "date": "2026-10-05", "track": "basics" }]
        }
    })
}

#[test]
fn the_derived_uuid_of_a_key_is_pinned() {
    // UUID v5 of `member:E001` in the namespace 070108ed-e583-48ee-995e-5cc73593151d: a change
    // here would silently re-key every stored result.
    assert_eq!(MemberId::from_key("E001").to_string(), "ba5b0234-a5c2-5568-8401-9ad3de42f0ec");
    assert_eq!(MemberId::from_key("Boss@Example.jp"), MemberId::from_key("boss@example.jp"));
    assert_ne!(MemberId::from_key("e001"), MemberId::from_key("E001"));
    assert_ne!(*MemberId::from_key("E001").as_uuid(), *UnitId::from_key("E001").as_uuid());
}

#[test]
fn a_keyed_document_resolves_every_reference_to_its_member() {
    let snapshot = load(&keyed()).unwrap();
    let org = snapshot.organisation();
    let (boss, ann, ben) = (MemberId::from_key("E001"), MemberId::from_key("E002"), MemberId::from_u128(3));
    assert_eq!(org.members.iter().map(|m| m.id).collect::<Vec<_>>(), [boss, ann, ben]);
    assert_eq!(org.members[1].unit, UnitId::from_key("HQ/Sales"));
    assert_eq!(org.units[1].parent, Some(UnitId::from_key("HQ")));
    let usage = &snapshot.observations().usage;
    // By e-mail address in another case, and by the key of a member whose id is a uuid.
    assert_eq!(usage.iter().map(|e| e.member).collect::<Vec<_>>(), [boss, ben]);
    assert_eq!(snapshot.observations().trainings[0].member, ann);
    assert_eq!(org.keys.label(ben), Some("E003"));
}

#[test]
fn a_document_written_back_keeps_its_keys_and_leaves_derived_ids_out() {
    let snapshot = load(&keyed()).unwrap();
    let written = serde_json::to_value(snapshot.organisation()).unwrap();
    assert_eq!(written["members"][0]["key"], "E001");
    assert!(written["members"][0].get("id").is_none());
    assert_eq!(written["members"][2]["id"], "00000000-0000-0000-0000-000000000003");
    assert_eq!(written["units"][1]["code"], "HQ/Sales");
    assert!(written["units"][1].get("id").is_none());
}

#[test]
fn duplicate_keys_name_both_members_by_key_and_name() {
    let mut doc = keyed();
    doc["organisation"]["members"][2]["email"] = json!("BOSS@example.jp");
    let errors = errors(&doc);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].to_string(),
        "member #2 `E003` (Ben) repeats the key `boss@example.jp` of member #0 `E001` (Boss)"
    );
    let mut doc = keyed();
    doc["organisation"]["members"][1]["key"] = json!("E001");
    doc["organisation"]["members"][1]["email"] = json!("ann@example.jp");
    let errors = crate::support::errors(&doc);
    assert!(matches!(&errors[..], [ValidationError::DuplicateKey { key, .. }] if key == "E001"), "{errors:?}");
}

#[test]
fn an_id_that_is_not_a_uuid_names_the_field_the_record_and_the_way_out() {
    let mut doc = keyed();
    doc["organisation"]["members"][1]["id"] = json!("E002");
    let Err(LoadError::Document(e)) = load(&doc) else { panic!("expected a document error") };
    let text = e.to_string();
    assert!(
        text.contains(
            "`id` of member #2 `Ann`: `E002` is not a uuid: put the member's own key in `key` and leave `id` out"
        ),
        "{text}"
    );
    let mut doc = keyed();
    doc["organisation"]["members"][1].as_object_mut().unwrap().remove("key");
    doc["organisation"]["members"][1].as_object_mut().unwrap().remove("email");
    let Err(LoadError::Document(e)) = load(&doc) else { panic!("expected a document error") };
    assert!(e.to_string().contains("member #2 `Ann` has none of `id`, `key` and `email`"), "{e}");
}

#[test]
fn an_unknown_key_in_an_event_file_is_named_with_its_line() {
    let doc = keyed();
    let files = BTreeMap::from([(
        "u.csv".to_owned(),
        b"member,at\nE002,2026-11-02T09:00:00+09:00\nE999,2026-11-02T09:00:00+09:00\nANN@EXAMPLE.JP,2026-11-03T09:00:00+09:00\n"
            .to_vec(),
    )]);
    let options = LoadOptions { extra_files: vec!["u.csv".into()], ..Default::default() };
    let Err(LoadError::BadLines { count, lines }) = teichaku::load_with(doc.to_string(), catalog(), &files, &options)
    else {
        panic!("expected bad lines")
    };
    assert_eq!(count, 1);
    assert_eq!(
        lines[0].to_string(),
        "`u.csv` line 3: `member`: `E999` is not a member key of this organisation nor a uuid"
    );
    let options = LoadOptions { skip_bad_lines: true, ..options };
    let loaded = teichaku::load_with(doc.to_string(), catalog(), &files, &options).unwrap();
    // Two from the document, two from the file (E002 and ann@ by e-mail, the same member).
    assert_eq!(loaded.store.len(), 4);
    assert_eq!(loaded.usage.files[0].events, 2);
}

#[test]
fn old_documents_with_uuids_only_load_as_before() {
    let small = crate::support::small();
    let snapshot = load(&small).unwrap();
    assert!(snapshot.organisation().keys.is_empty());
    let written = serde_json::to_value(snapshot.organisation()).unwrap();
    // Ids stay written, no key field appears, and the text reads back to the same organisation.
    assert_eq!(written["members"][0]["id"], small["organisation"]["members"][0]["id"]);
    assert!(written["members"].as_array().unwrap().iter().all(|m| m.get("key").is_none() && m.get("email").is_none()));
    let back: teichaku::model::Organisation = serde_json::from_value(written).unwrap();
    assert_eq!(&back, snapshot.organisation());
}

#[test]
fn the_hr_master_is_read_with_units_parents_first_and_roles_from_positions() {
    let imported = import_members(HR.as_bytes(), &options()).unwrap();
    assert_eq!(imported.encoding, Some(Encoding::Utf8));
    assert_eq!(imported.ignored_columns, ["内線"]);
    let org = &imported.document.organisation;
    let codes: Vec<&str> = org.keys.units.iter().map(|k| k.code.as_str()).collect();
    assert_eq!(codes, ["本社", "本社/営業部", "本社/総務部"]);
    assert_eq!(org.units[1].parent, Some(UnitId::from_key("本社")));
    let roles = |key: &str| org.members.iter().find(|m| m.id == MemberId::from_key(key)).unwrap().roles.clone();
    assert_eq!(roles("E001"), [Role::Executive].into()); // 代表取締役社長
    assert_eq!(roles("E002"), [Role::Manager].into()); // 営業部長, ambassador ×
    assert_eq!(roles("E003"), [Role::Ambassador, Role::Staff].into()); // ○
    assert_eq!(roles("E004"), [Role::Manager].into()); // 課長, FALSE
    assert_eq!(roles("E005"), [Role::Ambassador, Role::Staff].into()); // TRUE
    // Born 1965 is 61 in 2026, 1975 is 51, 1992 is 34.
    let band = |i: usize| serde_json::to_value(org.members[i].age_band).unwrap();
    assert_eq!([band(0), band(1), band(2)], [json!("60_plus"), json!("40s_50s"), json!("20s_30s")]);
    assert_eq!(org.members[3].joined.to_string(), "2012-04-01");
    assert_eq!(org.members[5].left.map(|d| d.to_string()).as_deref(), Some("2026-09-30"));
    // The document is valid as written.
    teichaku::load(&imported.json.to_string(), catalog()).unwrap();
}

#[test]
fn shift_jis_and_a_byte_order_mark_read_as_utf_8_does() {
    let plain = import_members(HR.as_bytes(), &options()).unwrap();
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(HR);
    assert!(!unmappable);
    let from_sjis = import_members(&sjis, &options()).unwrap();
    assert_eq!(from_sjis.encoding, Some(Encoding::ShiftJis));
    assert_eq!(from_sjis.json, plain.json);
    let bom = [b"\xef\xbb\xbf".as_slice(), HR.as_bytes()].concat();
    assert_eq!(import_members(&bom, &options()).unwrap().json, plain.json);
    // Shift-JIS read as UTF-8 because the caller said so is refused, not garbled.
    let mut utf8 = options();
    utf8.encoding = Some(Encoding::Utf8);
    assert!(matches!(import_members(&sjis, &utf8), Err(ImportError::Encoding { .. })));
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let Err(ImportError::BadRows { count, rows }) = import_members(BAD.as_bytes(), &options()) else {
        panic!("expected bad rows")
    };
    assert_eq!(count, 3);
    let lines: Vec<u64> = rows.iter().map(|r: &BadRow| r.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert_eq!(
        rows[0].to_string(),
        "line 3 (`E002` Sato): email (メール): `sato-at-example` is not an e-mail address; \
         ambassador (アンバサダー): `maybe` is not yes or no (TRUE/FALSE, 1/0, ○/×, はい/いいえ)"
    );
    assert_eq!(
        rows[1].to_string(),
        "line 4 (`E003` Suzuki): department (部署) is empty; \
         joined (入社日): `2016-04-31` is not a date (2026-04-01, 2026/4/1 or 2026年4月1日)"
    );
    assert_eq!(
        rows[2].to_string(),
        "line 5 (`E001` Takahashi): the key `E001` repeats line 2; left (退職日) 2011-03-31 is before joined 2012-04-01"
    );
}

#[test]
fn a_user_role_table_comes_before_the_default() {
    let mut options = options();
    options.roles = teichaku_import::RoleTable::with_csv(include_str!("../fixtures/import/roles.csv")).unwrap();
    let imported = import_members(HR.as_bytes(), &options).unwrap();
    assert_eq!(imported.document.organisation.members[0].roles, [Role::Executive, Role::PromotionLead].into());
    assert_eq!(imported.document.organisation.members[1].roles, [Role::Manager].into());
}
