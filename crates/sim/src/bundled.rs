//! The scenarios shipped inside the binary (`scenarios/*.toml`, embedded with
//! `include_str!`). Their format is documented in `scenarios/README.md`.

use crate::scenario::{Scenario, ScenarioError};

/// One embedded scenario.
#[derive(Debug, Clone, Copy)]
pub struct BundledScenario {
    /// Its name, as given to `vigia sim`.
    pub name: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

macro_rules! bundled {
    ($name:literal) => {
        BundledScenario {
            name: $name,
            toml: include_str!(concat!("../scenarios/", $name, ".toml")),
        }
    };
}

/// Every bundled scenario.
pub const BUNDLED: &[BundledScenario] = &[
    bundled!("mq9-orbit-sonora"),
    bundled!("rc135-gulf"),
    bundled!("p8-baja-clip"),
    bundled!("border-airliners"),
    bundled!("spoofer"),
    bundled!("hard-negatives"),
    bundled!("mq9-dark-sonora"),
    bundled!("going-dark-sonora"),
];

impl BundledScenario {
    /// Find a bundled scenario by name.
    pub fn find(name: &str) -> Option<&'static BundledScenario> {
        BUNDLED.iter().find(|s| s.name == name)
    }

    /// Parse and check it.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::from_toml(self.toml, self.name)
    }
}
